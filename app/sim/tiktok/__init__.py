"""A simulated TikTok Shop speaking the Open API 202309 protocol.

One :class:`TikTokShopSim` serves both in-process (:class:`SimTransport`, an
httpx transport) and over loopback HTTP (:class:`SimServer`). Run
``python -m app.sim.tiktok --port N`` for a demo shop on 127.0.0.1.
"""

from app.sim.tiktok.faults import Fault, FaultPlan, TokenBucket
from app.sim.tiktok.seed import seed_demo_store
from app.sim.tiktok.server import SimServer
from app.sim.tiktok.simulator import SimShop, TikTokShopSim
from app.sim.tiktok.transport import SimTransport

__all__ = [
    "Fault",
    "FaultPlan",
    "SimServer",
    "SimShop",
    "SimTransport",
    "TikTokShopSim",
    "TokenBucket",
    "seed_demo_store",
]
