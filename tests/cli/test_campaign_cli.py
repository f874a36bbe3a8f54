"""``giveaway-desk campaign``: a whole campaign from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main
from app.services.dto import CatalogItem
from app.sim.shopify import LoopbackServer, ShopifySimulator, SimSettings
from app.sim.shopify.moves import MoveQuantities
from tests.utils.bench_orders import giveaway, open_bench

ADMIN_TOKEN = "shpat_sim_admin_token"
PRODUCT = "1729000000000000888"


@pytest.fixture
def sim() -> ShopifySimulator:
    simulator = ShopifySimulator(SimSettings(bucket_size=2000, restore_rate=100_000))
    simulator.state.add_location("Main warehouse")
    return simulator


@pytest.fixture
def moves(sim: ShopifySimulator) -> MoveQuantities:
    return sim.moves


@pytest.fixture
def served(
    sim: ShopifySimulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LoopbackServer]:
    server = sim.serve()
    monkeypatch.setenv("GIVEAWAY_DESK_SHOPIFY_URL", server.url)
    monkeypatch.setenv("GIVEAWAY_DESK_SHOPIFY_ACCESS_TOKEN", ADMIN_TOKEN)
    yield server
    server.stop()


@pytest.fixture
def data(tmp_path: Path, sim: ShopifySimulator) -> Path:
    folder = tmp_path / "data"
    location = sim.state.primary_location().id
    variant = sim.state.add_variant(sku="GS-30", stock={location: 30})
    bench = open_bench(folder)
    bench.upsert_catalog(
        [
            CatalogItem(
                sku="GS-30",
                title="Glow Serum 30ml",
                shopify_variant_id=variant.id,
                inventory_item_id=variant.inventory_item_id,
            )
        ]
    )
    orders = [
        giveaway(PRODUCT, "1729000000000000889", order_id=f"G{n}") for n in range(4)
    ]
    bench.import_orders(orders, "test")
    bench.close()
    return folder


def cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(data), "campaign", *args])
    out, err = capsys.readouterr()
    return code, out + err


def test_create_link_open_sync_close_from_the_command_line(
    sim: ShopifySimulator,
    moves: MoveQuantities,
    served: LoopbackServer,
    data: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    location = sim.state.primary_location().id
    item = next(iter(sim.state.items))

    assert (
        cli(capsys, data, "create", "Friday", "--sku", "GS-30", "--budget", "3")[0] == 0
    )
    code, out = cli(capsys, data, "link", "Friday", PRODUCT)
    assert code == 0 and "1 mapping(s) made, 4 order(s) matched" in out
    code, out = cli(capsys, data, "warnings")
    assert code == 1 and "G3 is a winner beyond the campaign's budget" in out
    assert cli(capsys, data, "open", "Friday", "--location", location)[0] == 0
    code, out = cli(capsys, data, "sync")
    assert code == 0 and "1 sent" in out
    assert sim.state.level(item, location) == {
        "available": 27,
        "reserved": 3,
        "committed": 0,
        "on_hand": 30,
    }
    assert cli(capsys, data, "close", "Friday")[0] == 0
    assert cli(capsys, data, "sync")[0] == 0
    assert sim.state.level(item, location)["reserved"] == 0  # type: ignore[index]
    assert moves.counters.moves == 2

    code, out = cli(capsys, data, "list", "--json")
    [listed] = json.loads(out)
    assert (listed["state"], listed["budget"], listed["winners"]) == ("closed", 3, 4)


def test_a_mistake_is_said_in_plain_words(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = cli(capsys, data, "create", "X", "--sku", "NOPE", "--budget", "3")

    assert code == 1
    assert "SKU 'NOPE' is not in the catalog" in out
