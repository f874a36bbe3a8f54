"""The simulator served over loopback HTTP, for end-to-end tests and demos."""

from __future__ import annotations

import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from app.sim.tiktok.faults import Fault
from app.sim.tiktok.simulator import SimRequest, TikTokShopSim

logger = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    """Turns one HTTP/1.1 request into a :class:`SimRequest` and writes the answer."""

    # Keep-alive, as TikTok's front end does; httpx reuses the connection.
    protocol_version = "HTTP/1.1"
    server: _SimHTTPServer

    def do_GET(self) -> None:  # noqa: N802 - name fixed by http.server
        self._serve()

    def do_POST(self) -> None:  # noqa: N802 - name fixed by http.server
        self._serve()

    def do_PUT(self) -> None:  # noqa: N802 - name fixed by http.server
        self._serve()

    def do_DELETE(self) -> None:  # noqa: N802 - name fixed by http.server
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = SimRequest(
            method=self.command,
            path=url.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        answer = self.server.sim.handle(request)
        if answer.fault is Fault.LOSE_RESPONSE:
            self._cut(b"")
            return
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(answer.body)))
        self.end_headers()
        if answer.fault is Fault.DROP:
            self._cut(answer.body[: len(answer.body) // 2])
            return
        self.wfile.write(answer.body)

    def _cut(self, partial: bytes) -> None:
        """Send ``partial`` (maybe nothing) and hang up, as a broken link would."""
        self.wfile.write(partial)
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        # The default writes the request line, query string (signatures, the
        # app secret on token calls) and all, to stderr. Log the path only.
        # Early errors (a garbled request line) arrive before path is known.
        path = urlsplit(getattr(self, "path", "") or "").path
        logger.debug("sim %s %s", getattr(self, "command", None) or "-", path)


class _SimHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, sim: TikTokShopSim, host: str, port: int) -> None:
        super().__init__((host, port), _Handler)
        self.sim = sim


class SimServer:
    """Serves one :class:`TikTokShopSim` on 127.0.0.1 from a background thread."""

    def __init__(
        self, sim: TikTokShopSim, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.sim = sim
        self._host = host
        self._port = port
        self._server: _SimHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/`` once started."""
        if self._server is None:
            raise RuntimeError("the simulator server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> str:
        """Start serving and return the base URL (for both API and token host)."""
        self._server = _SimHTTPServer(self.sim, self._host, self._port)
        # A short poll interval keeps stop() quick; idle polling costs nothing.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="tiktok-sim",
            daemon=True,
        )
        self._thread.start()
        logger.info("TikTok Shop simulator listening on %s", self.base_url)
        return self.base_url

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SimServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
