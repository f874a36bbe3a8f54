"""The simulator as an in-process httpx transport (no sockets, no threads)."""

from __future__ import annotations

import logging

import httpx

from app.sim.tiktok.faults import Fault
from app.sim.tiktok.simulator import SimRequest, TikTokShopSim

logger = logging.getLogger(__name__)


def sim_request_from_httpx(request: httpx.Request) -> SimRequest:
    """The simulator's view of an httpx request (query decoded, headers lowercase)."""
    return SimRequest(
        method=request.method,
        path=request.url.path,
        query=dict(request.url.params.multi_items()),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=request.read(),
    )


class SimTransport(httpx.BaseTransport):
    """Hands each request to a :class:`TikTokShopSim`; serves every host name.

    Connection faults become the exceptions httpx raises for them on a real
    socket: a cut-off body is a ``RemoteProtocolError``, a lost answer a
    ``ReadError``.
    """

    def __init__(self, sim: TikTokShopSim) -> None:
        self.sim = sim

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` the way the simulated shop would."""
        answer = self.sim.handle(sim_request_from_httpx(request))
        if answer.fault is Fault.DROP:
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body",
                request=request,
            )
        if answer.fault is Fault.LOSE_RESPONSE:
            raise httpx.ReadError("connection reset by peer", request=request)
        return httpx.Response(
            answer.status, headers=answer.headers, content=answer.body, request=request
        )
