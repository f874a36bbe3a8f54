"""``giveaway-desk shopify``: the catalog lands in the local cache; locations list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main
from app.services.bench import Bench
from app.sim.shopify import LoopbackServer, ShopifySimulator, SimSettings

ADMIN_TOKEN = "shpat_sim_admin_token"


@pytest.fixture
def sim() -> ShopifySimulator:
    # A Plus-sized bucket so the real-time client never waits in this test.
    simulator = ShopifySimulator(SimSettings(bucket_size=2000, restore_rate=100_000))
    simulator.state.add_location("Main warehouse")
    simulator.state.add_location("Fulfilment partner", app_managed=True)
    return simulator


@pytest.fixture
def served(
    sim: ShopifySimulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LoopbackServer]:
    server = sim.serve()
    monkeypatch.setenv("GIVEAWAY_DESK_SHOPIFY_URL", server.url)
    monkeypatch.setenv("GIVEAWAY_DESK_SHOPIFY_ACCESS_TOKEN", ADMIN_TOKEN)
    yield server
    server.stop()


def test_catalog_of_5000_variants_reaches_the_local_cache(
    sim: ShopifySimulator,
    served: LoopbackServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    warehouse = sim.state.primary_location().id
    for n in range(5000):
        sim.state.add_variant(
            sku=f"SKU-{n:05d}",
            barcode="0860012345670" if n == 42 else None,
            product_title=f"Product {n}",
            title="30 ml",
            stock={warehouse: n % 5},
        )
    data_dir = tmp_path / "bench"

    code = main(["--data-dir", str(data_dir), "shopify", "catalog"])

    assert code == 0
    assert "Catalog refreshed: 5000 variants in 100 pages" in capsys.readouterr().out
    bench = Bench.open_path(data_dir)
    try:
        catalog = bench.catalog()
    finally:
        bench.close()
    assert len(catalog) == 5000
    serum = next(entry for entry in catalog if entry.sku == "SKU-00042")
    assert serum.title == "Product 42 - 30 ml"
    assert serum.gtin == "00860012345670"


def test_locations_are_listed_with_their_kind(
    served: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["shopify", "locations"])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert len(lines) == 2
    assert lines[0].endswith("Main warehouse\tAustin, US [primary]")
    assert "[app-managed]" in lines[1]


def test_wrong_token_gives_a_plain_message(
    served: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GIVEAWAY_DESK_SHOPIFY_ACCESS_TOKEN", "shpat_wrong")

    code = main(["shopify", "locations"])

    err = capsys.readouterr().err
    assert code == 1
    assert "Shopify refused the access token" in err
    assert "shpat_wrong" not in err
