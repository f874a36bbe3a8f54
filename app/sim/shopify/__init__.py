"""A simulated Shopify Admin GraphQL API for tests, benchmarks and the demo store."""

from app.sim.shopify.simulator import Fault, ShopifySimulator, SimSettings
from app.sim.shopify.transport import LoopbackServer, SimTransport

__all__ = ["Fault", "LoopbackServer", "ShopifySimulator", "SimSettings", "SimTransport"]
