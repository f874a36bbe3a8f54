"""Both simulated shops over loopback HTTP, seeded from the demo store.

``start_demo_simulators(store)`` gives the demo (and tests) a TikTok Shop and a
Shopify to sync with, each behind a small loopback relay whose ``outage``
switch refuses new connections and cuts open ones, as a dropped Wi-Fi would.
Everything is stopped by :meth:`DemoServices.close`.
"""

from __future__ import annotations

import logging
import selectors
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from app.domain.credentials import MemoryCredentialStore, Secret
from app.net.shopify import ShopifyClient, ShopifyConfig, open_client
from app.net.shopify import auth as shopify_auth
from app.net.tiktok import TikTokConfig, TikTokShopClient
from app.net.tiktok import credentials as tiktok_names
from app.net.tiktok.retry import default_policy
from app.services.bench import Bench
from app.services.sync_engine import Sleep, SyncEngine, SyncSettings
from app.sim.demo_store import DemoStore
from app.sim.shopify import ShopifySimulator
from app.sim.shopify.demo import WAREHOUSE, demo_shop
from app.sim.shopify.transport import LoopbackServer
from app.sim.tiktok import SimServer, TikTokShopSim, seed_demo_store

logger = logging.getLogger(__name__)

_CHUNK = 65536


class LoopbackRelay:
    """Forwards a loopback port to another one; can play a network outage.

    While the outage is on, the listening port is closed (a connect is
    refused) and every relayed connection is cut (a request in the middle of
    its answer breaks off). The port stays the same when the outage ends.
    """

    def __init__(self, target_port: int) -> None:
        self._target = ("127.0.0.1", target_port)
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._port = 0
        self._stopped = False
        self._listen()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>/``."""
        return f"http://127.0.0.1:{self._port}/"

    def set_outage(self, down: bool) -> None:
        """Refuse and cut connections (True), or serve again (False)."""
        with self._lock:
            listener, self._listener = self._listener, None
            sockets = list(self._open)
            self._open.clear()
        if down:
            for sock in [listener, *sockets]:
                _close(sock)
            logger.info("Loopback relay %s: outage on", self.url)
        elif listener is None:
            self._listen()
            logger.info("Loopback relay %s: outage over", self.url)
        else:
            with self._lock:
                self._listener = listener
                self._open.update(sockets)

    def close(self) -> None:
        """Stop relaying for good."""
        self._stopped = True
        self.set_outage(True)

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self._port))
        listener.listen(64)
        self._port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener
        threading.Thread(
            target=self._accept, args=(listener,), name="relay-accept", daemon=True
        ).start()

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopped:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by an outage or close()
            try:
                upstream = socket.create_connection(self._target, timeout=5)
            except OSError:
                _close(client)
                continue
            # Without this, Nagle's algorithm and delayed ACKs hold each small
            # HTTP write back for tens of milliseconds at every hop.
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._open.update((client, upstream))
            threading.Thread(
                target=self._pump, args=(client, upstream), daemon=True
            ).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        upstream.settimeout(None)
        peers = {client: upstream, upstream: client}
        with selectors.DefaultSelector() as selector:
            for sock in peers:
                selector.register(sock, selectors.EVENT_READ)
            try:
                while self._relay_once(selector, peers):
                    pass
            except (OSError, ValueError):
                pass  # one side went away (or the outage cut it)
        for sock in peers:
            with self._lock:
                self._open.discard(sock)
            _close(sock)

    @staticmethod
    def _relay_once(
        selector: selectors.BaseSelector, peers: dict[socket.socket, socket.socket]
    ) -> bool:
        for key, _ in selector.select(timeout=1.0):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            data = sock.recv(_CHUNK)
            if not data:
                return False
            _ack_now(sock)
            peers[sock].sendall(data)
        return True


def _ack_now(sock: socket.socket) -> None:
    """Acknowledge at once (Linux): the simulators' servers write headers and
    body separately without TCP_NODELAY, so a delayed ACK here would hold every
    answer back by some 40 ms (Nagle's algorithm waits for it)."""
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)


def _close(sock: socket.socket | None) -> None:
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@dataclass
class DemoServices:
    """The two simulated shops, their loopback URLs and the outage switch."""

    tiktok_sim: TikTokShopSim
    shopify_sim: ShopifySimulator
    tiktok_url: str
    shopify_url: str
    location_id: str
    _stops: list[Callable[[], None]] = field(default_factory=list, repr=False)
    _relays: list[LoopbackRelay] = field(default_factory=list, repr=False)

    def set_outage(self, down: bool) -> None:
        """Make both shops unreachable (True) or reachable again (False)."""
        for relay in self._relays:
            relay.set_outage(down)

    def tiktok_client(
        self, *, sleep: Callable[[float], None] | None = None, attempts: int = 3
    ) -> TikTokShopClient:
        """A TikTok client for the simulated shop, with fresh demo tokens."""
        tokens = self.tiktok_sim.issue_tokens()
        store = MemoryCredentialStore(
            {
                tiktok_names.APP_KEY: Secret(self.tiktok_sim.app_key),
                tiktok_names.APP_SECRET: Secret(self.tiktok_sim.app_secret),
                tiktok_names.ACCESS_TOKEN: Secret(tokens["access_token"]),
                tiktok_names.REFRESH_TOKEN: Secret(tokens["refresh_token"]),
                tiktok_names.ACCESS_EXPIRES_AT: Secret(
                    str(tokens["access_token_expire_in"])
                ),
            }
        )
        config = TikTokConfig(
            api_base_url=self.tiktok_url, auth_base_url=self.tiktok_url
        )
        if sleep is None:
            return TikTokShopClient(config, store, policy=default_policy(attempts))
        return TikTokShopClient(
            config, store, policy=default_policy(attempts), sleep=sleep
        )

    def shopify_client(
        self, *, sleep: Callable[[float], None] | None = None, attempts: int = 3
    ) -> ShopifyClient:
        """A Shopify client for the simulated shop, working at its warehouse."""
        settings = self.shopify_sim.settings
        store = MemoryCredentialStore(
            {
                shopify_auth.CLIENT_ID: Secret(settings.client_id),
                shopify_auth.CLIENT_SECRET: Secret(settings.client_secret),
            }
        )
        config = ShopifyConfig(
            self.shopify_url, location_id=self.location_id, max_attempts=attempts
        )
        if sleep is None:
            return open_client(config, store)
        return open_client(config, store, sleep=sleep)

    def close(self) -> None:
        """Stop both simulators and relays."""
        for stop in reversed(self._stops):
            try:
                stop()
            except OSError:
                logger.warning("Stopping a demo simulator failed", exc_info=True)
        self._stops.clear()

    def __enter__(self) -> DemoServices:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def start_demo_simulators(store: DemoStore) -> DemoServices:
    """Start TikTok Shop and Shopify simulators seeded from ``store``, on loopback."""
    tiktok_sim = seed_demo_store(TikTokShopSim(), store.orders)
    shopify_sim = demo_shop(store)
    location = next(
        loc.id for loc in shopify_sim.state.locations.values() if loc.name == WAREHOUSE
    )
    return start_simulators(tiktok_sim, shopify_sim, location)


def start_simulators(
    tiktok_sim: TikTokShopSim, shopify_sim: ShopifySimulator, location_id: str
) -> DemoServices:
    """Serve two prepared simulators on loopback, each behind an outage relay."""
    stops: list[Callable[[], None]] = []
    tiktok_server = SimServer(tiktok_sim)
    tiktok_server.start()
    stops.append(tiktok_server.stop)
    shopify_server: LoopbackServer = shopify_sim.serve()
    stops.append(shopify_server.stop)

    relays = [
        LoopbackRelay(_port_of(tiktok_server.base_url)),
        LoopbackRelay(_port_of(shopify_server.url)),
    ]
    stops.extend(relay.close for relay in relays)
    logger.info("Simulators: TikTok %s, Shopify %s", relays[0].url, relays[1].url)
    return DemoServices(
        tiktok_sim=tiktok_sim,
        shopify_sim=shopify_sim,
        tiktok_url=relays[0].url,
        shopify_url=relays[1].url,
        location_id=location_id,
        _stops=stops,
        _relays=relays,
    )


def demo_engine(
    bench: Bench,
    services: DemoServices,
    *,
    sleep: Sleep | None = None,
    settings: SyncSettings | None = None,
) -> SyncEngine:
    """A sync engine for the demo bench, talking to the demo simulators.

    The connectors' own retry pauses are real (they are short); ``sleep`` is
    the engine's pause between rounds of ``run_forever``.
    """
    return SyncEngine(
        bench,
        tiktok=lambda: services.tiktok_client(),
        shopify=lambda: services.shopify_client(),
        sleep=sleep,
        settings=settings,
    )


def _port_of(url: str) -> int:
    return int(url.rstrip("/").rsplit(":", 1)[1])
