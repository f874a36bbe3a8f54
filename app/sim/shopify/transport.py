"""The two ways into the simulator: an httpx transport and a loopback HTTP server."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from app.sim.shopify.simulator import LostResponse, ShopifySimulator

logger = logging.getLogger(__name__)


class SimTransport(httpx.BaseTransport):
    """Serves httpx requests in-process; a lost response becomes a read error."""

    def __init__(self, simulator: ShopifySimulator) -> None:
        self._simulator = simulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` from the simulator."""
        body = request.read()
        try:
            answer = self._simulator.handle(
                request.method, request.url.path, dict(request.headers), body
            )
        except LostResponse as lost:
            raise httpx.ReadError("simulated lost response", request=request) from lost
        return httpx.Response(
            answer.status, headers=answer.headers, content=answer.body
        )


class LoopbackServer:
    """The simulator on ``http://127.0.0.1:<free port>/``."""

    def __init__(self, simulator: ShopifySimulator) -> None:
        handler = _handler_for(simulator)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to give a client as the shop URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> None:
        """Serve on a background thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="shopify-sim", daemon=True
        )
        self._thread.start()
        logger.debug("Shopify simulator serving at %s", self.url)

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _handler_for(simulator: ShopifySimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """Hands each request to the simulator and writes its answer."""

        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            """Answer a POST (GraphQL or the token endpoint)."""
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            try:
                answer = simulator.handle("POST", self.path, dict(self.headers), body)
            except LostResponse:
                # The work is done; drop the connection without an answer.
                self.close_connection = True
                return
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            """Nothing is served by GET."""
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Send http.server's access log to our logger, at DEBUG."""
            logger.debug("shopify-sim: %s", format % args)

    return Handler
