"""Campaigns against a real SQLite file and the simulated Shopify over loopback HTTP."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from app.domain.campaigns import (
    CONSUME,
    RELEASE,
    RESERVE,
    CampaignError,
    WarningKind,
    effect_key,
)
from app.domain.carriers import ups_check_digit
from app.net.shopify import ShipmentItem, ShopifyShipment, TrackingInfo, ship_in_shopify
from app.net.shopify.client import ShopifyClient
from app.net.tiktok.affiliate import AffiliateClient
from app.services import campaign_effects
from app.services.bench import Bench
from app.services.campaigns import CampaignService, affiliate_content
from app.services.dto import CatalogItem
from app.sim.shopify.moves import MoveQuantities
from app.sim.shopify.simulator import Fault
from app.sim.tiktok.affiliate import application_record, install_affiliate
from app.sim.tiktok.server import SimServer
from app.storage.models import (
    Campaign,
    CampaignEffect,
    Fulfilment,
    SampleApplication,
)
from tests.utils.bench_orders import giveaway, open_bench, sample
from tests.utils.shopify_sim import Shop, connect, make_shop
from tests.utils.tiktok_sim import authorized_store, make_sim
from tests.utils.tiktok_sim import connect as connect_tiktok

PRODUCT = "1729000000000000777"
SKU_ID = "1729000000000000778"
# Just after the test orders were placed (they must ship within two days).
START = datetime(2026, 1, 6, 18, 0, tzinfo=UTC)


def ups(number: int) -> str:
    body = f"999AA10{number:08d}"
    return f"1Z{body}{ups_check_digit(body)}"


@dataclass
class World:
    bench: Bench
    shop: Shop
    moves: MoveQuantities
    client: ShopifyClient
    item: str
    service: CampaignService
    now: list[datetime]

    def level(self) -> dict[str, int]:
        level = self.shop.sim.state.level(self.item, self.shop.location_id)
        assert level is not None
        return level

    def drain(self) -> campaign_effects.EffectsReport:
        return campaign_effects.drain_once(
            self.bench.engine, self.client, clock=lambda: self.now[0]
        )

    def later(self, hours: float = 1) -> None:
        self.now[0] += timedelta(hours=hours)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    shop = make_shop()
    moves = shop.sim.moves
    variant = shop.sim.state.add_variant(
        sku="GS-30", product_title="Glow Serum", stock={shop.location_id: 50}
    )
    bench = open_bench(tmp_path)
    bench.upsert_catalog(
        [
            CatalogItem(
                sku="GS-30",
                title="Glow Serum 30ml",
                gtin="00860000000017",
                shopify_variant_id=variant.id,
                inventory_item_id=variant.inventory_item_id,
                unit_cost="4.20",
            )
        ]
    )
    now = [START]
    service = CampaignService(bench, clock=lambda: now[0])
    with (
        shop.sim.serve() as server,
        connect(shop, shop_url=server.url, transport=httpx.HTTPTransport()) as client,
    ):
        yield World(bench, shop, moves, client, variant.inventory_item_id, service, now)
    bench.close()


def import_winners(bench: Bench, count: int, first: int = 0) -> list[int]:
    orders = [
        giveaway(
            PRODUCT, SKU_ID, order_id=f"G{first + n:03d}", update_time=1_767_700_000 + n
        )
        for n in range(count)
    ]
    report = bench.import_orders(orders, "test")
    assert report.ok, report.errors
    return [bench.find_shipment(order["id"]) for order in orders]


def ship_in_shopify_as_the_outbox_does(world: World, shipment_id: int) -> None:
    """The ordinary ``shopify.fulfil_or_adjust`` effect: one unit off available."""
    detail = world.bench.detail(shipment_id)
    ship_in_shopify(
        world.client,
        ShopifyShipment(
            tiktok_order_id=detail.row.order_id,
            kind="giveaway",
            items=(ShipmentItem("", world.item, 1),),
            location_id=world.shop.location_id,
            tracking=TrackingInfo("UPS", detail.row.tracking_number or ""),
            idempotency_key=f"fulfil-{shipment_id}",
        ),
    )


# --- must show 1: reserve, consume, release, each once ------------------------


def test_a_campaign_of_20_reserves_20_consumes_12_and_returns_8_each_once(
    world: World,
) -> None:
    shipments = import_winners(world.bench, 14)
    world.service.create(
        "Friday LIVE",
        "GS-30",
        20,
        location_id=world.shop.location_id,
        product_ids=[PRODUCT],
    )
    world.service.open("Friday LIVE")
    # The first answer is lost on the way back: the client resends the same
    # key and Shopify answers from its record.
    world.shop.sim.faults.append(Fault("lose_response", "inventoryMoveQuantities"))

    assert world.drain().done == 1
    assert world.level() == {
        "available": 30,
        "reserved": 20,
        "committed": 0,
        "on_hand": 50,
    }
    assert world.moves.counters.moves == 1

    for number, shipment_id in enumerate(shipments[:12]):
        world.bench.fulfil(shipment_id, ups(number), "UPS")
        ship_in_shopify_as_the_outbox_does(world, shipment_id)
    world.shop.sim.faults.append(
        Fault("lose_response", "inventoryMoveQuantities", times=5)
    )
    world.later()
    first = world.drain()
    world.later()
    second = world.drain()

    assert first.queued == 12 and first.done + second.done == 12
    assert world.level()["reserved"] == 8
    assert world.level()["available"] == 30
    assert world.level()["on_hand"] == 38
    assert world.moves.counters.units[("reserved", "available")] == 12

    view = world.service.close("Friday LIVE")
    world.later()
    world.drain()

    assert view.state == "closed"
    assert world.level() == {
        "available": 38,
        "reserved": 0,
        "committed": 0,
        "on_hand": 38,
    }
    assert world.moves.counters.moves == 1 + 12 + 1
    assert world.moves.counters.units[("available", "reserved")] == 20
    assert world.moves.counters.units[("reserved", "available")] == 20
    assert world.shop.sim.state.counters.idempotent_replays >= 2
    world.later(24)
    assert world.drain().done == 0
    assert world.moves.counters.moves == 14


def test_an_effect_whose_answers_never_came_is_resent_with_the_same_attempt(
    world: World,
) -> None:
    world.service.create("Night LIVE", "GS-30", 5, location_id=world.shop.location_id)
    world.service.open("Night LIVE")
    # More lost answers than the client retries: the effect waits for later.
    world.shop.sim.faults.append(
        Fault("lose_response", "inventoryMoveQuantities", times=4)
    )

    report = world.drain()
    stored = _effects(world)[0]

    assert report.retry_later == 1
    assert world.moves.counters.moves == 1  # it did run, the answers were lost
    assert stored.attempt_json

    world.later()
    assert world.drain().done == 1
    assert world.moves.counters.moves == 1
    assert world.level()["reserved"] == 5
    assert _effects(world)[0].status == "done"


def test_an_effect_left_in_flight_by_a_crash_is_resumed_once(world: World) -> None:
    world.service.create("Crash LIVE", "GS-30", 3, location_id=world.shop.location_id)
    world.service.open("Crash LIVE")
    engine = world.bench.engine
    # A worker claims it, sends it, and dies before it hears the answer.
    claimed = campaign_effects.claim(
        engine, _effects(world)[0].id or 0, world.now[0], world.now[0]
    )
    assert claimed is not None
    campaign_effects.perform_effect(engine, world.client, claimed)

    world.later(0.05)
    assert world.drain().done == 0  # the claim is still fresh: left alone
    world.later(1)
    assert world.drain().done == 1

    assert world.moves.counters.moves == 1
    assert world.level()["reserved"] == 3


def test_effect_keys_are_derived_from_the_campaign_and_the_order(world: World) -> None:
    [shipment_id] = import_winners(world.bench, 1)
    world.service.create(
        "Keyed", "GS-30", 2, location_id=world.shop.location_id, product_ids=[PRODUCT]
    )
    world.service.open("Keyed")
    world.bench.fulfil(shipment_id, ups(77), "UPS")
    world.service.close("Keyed")

    effects = _effects(world)
    uid = _uid(world)
    assert [(e.action, e.quantity) for e in effects] == [
        (RESERVE, 2),
        (CONSUME, 1),
        (RELEASE, 1),
    ]
    assert effects[1].idempotency_key == effect_key(uid, CONSUME, "G000")
    assert effects[0].idempotency_key == effect_key(uid, RESERVE)


def test_shopify_refusal_stops_the_effect_and_the_later_ones_wait(world: World) -> None:
    world.service.create("Far away", "GS-30", 2, location_id="gid://shopify/Location/9")
    world.service.open("Far away")
    world.service.close("Far away")

    report = world.drain()

    assert report.failed == 1
    assert [e.status for e in _effects(world)] == ["failed", "pending"]
    assert "Shopify refused" in _effects(world)[0].last_error
    assert world.moves.counters.moves == 0
    views = campaign_effects.effect_views(world.bench.engine)
    assert [(v.label, v.status) for v in views] == [
        ("Set the campaign's units aside in Shopify", "failed"),
        ("Give the unused units back to available", "pending"),
    ]

    campaign_effects.retry_failed(world.bench.engine, views[0].effect_id, world.now[0])

    assert _effects(world)[0].status == "pending"
    with pytest.raises(CampaignError):
        campaign_effects.retry_failed(world.bench.engine, views[1].effect_id, START)


def test_products_already_mapped_to_the_sku_are_suggested_for_linking(
    world: World,
) -> None:
    [shipment_id] = import_winners(world.bench, 1)
    world.bench.match(shipment_id, "GS-30")
    world.service.create("Suggest", "GS-30", 5, location_id=world.shop.location_id)

    assert world.service.suggested_products("Suggest") == [PRODUCT]
    result = world.service.link_product("Suggest", PRODUCT)

    assert result.mappings_created == 0
    assert world.service.suggested_products("Suggest") == []
    assert world.service.campaign("Suggest").product_ids == (PRODUCT,)


# --- must show 2: a winner beyond the budget is flagged before packing ---------


def test_a_winner_beyond_the_budget_is_flagged_before_packing(world: World) -> None:
    first, second, third = import_winners(world.bench, 3)
    world.service.create(
        "Small", "GS-30", 2, location_id=world.shop.location_id, product_ids=[PRODUCT]
    )

    flagged = world.service.over_budget_shipments()
    view = world.service.campaign("Small")

    assert [f.shipment_id for f in flagged] == [third]
    assert view.over_budget and view.over_budget_units == 1
    assert view.winners == 3
    assert world.service.over_budget_reason(third) is not None
    assert world.service.over_budget_reason(first) is None
    assert [w.kind for w in view.warnings] == [WarningKind.OVER_BUDGET]
    assert view.warnings[0].order_id == "G002"


def test_a_packed_late_winner_keeps_its_unit_and_the_next_one_is_flagged(
    world: World,
) -> None:
    first, second, third = import_winners(world.bench, 3)
    world.service.create(
        "Packed", "GS-30", 2, location_id=world.shop.location_id, product_ids=[PRODUCT]
    )
    world.bench.fulfil(third, ups(3), "UPS")

    flagged = world.service.over_budget_shipments()

    assert [f.shipment_id for f in flagged] == [second]


def test_orders_past_ship_by_and_unmatched_after_the_live_are_warned(
    world: World,
) -> None:
    import_winners(world.bench, 1)
    orders = [giveaway("1729000000000000999", "1729000000000000998", order_id="U1")]
    world.bench.import_orders(orders, "test")
    world.service.create(
        "Warned", "GS-30", 5, location_id=world.shop.location_id, product_ids=[PRODUCT]
    )
    world.service.link_product("Warned", "1729000000000000999")
    # The link matched U1; make a fresh unmatched one of the same product's
    # other SKU id, as TikTok does for a second variant of the giveaway.
    other = giveaway("1729000000000000999", "1729000000000000997", order_id="U2")
    world.bench.import_orders([other], "test")
    world.service.end_live("Warned", START)
    world.now[0] = datetime(2026, 1, 10, tzinfo=UTC)

    kinds = {(w.kind, w.order_id) for w in world.service.warnings()}

    assert (WarningKind.UNMATCHED_AFTER_LIVE, "U2") in kinds
    assert (WarningKind.PAST_SHIP_BY, "G000") in kinds


def test_linking_creates_the_mapping_and_refuses_a_conflicting_one(
    world: World,
) -> None:
    [shipment_id] = import_winners(world.bench, 1)
    world.service.create("Linked", "GS-30", 5, location_id=world.shop.location_id)

    result = world.service.link_product("Linked", PRODUCT)

    assert result.mappings_created == 1
    assert world.bench.detail(shipment_id).row.state == "ready"
    world.bench.upsert_catalog([CatalogItem(sku="MUG-1", title="Mug")])
    world.service.create("Other", "MUG-1", 5)
    with pytest.raises(CampaignError, match="already belongs"):
        world.service.link_product("Other", PRODUCT)


# --- must show 3: report figures equal the data --------------------------------


def test_reports_add_up_to_the_shipments_they_summarise(world: World) -> None:
    winners = import_winners(world.bench, 5)
    world.bench.upsert_catalog(
        [CatalogItem(sku="CNDL-LAV-08", title="Candle", unit_cost="2.50")]
    )
    samples = [
        sample(order_id="S1"),
        sample(order_id="S2"),
        sample("GS-50", "Glow Serum 50ml", order_id="S3"),
    ]
    world.bench.import_orders(samples, "test")
    sample_ids = [world.bench.find_shipment(s["id"]) for s in samples]
    world.service.create(
        "Report", "GS-30", 10, location_id=world.shop.location_id, product_ids=[PRODUCT]
    )
    shipped = winners[:4] + sample_ids
    for number, shipment_id in enumerate(shipped):
        world.bench.fulfil(shipment_id, ups(100 + number), "UPS")
    days = [date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 2)] * 3
    _set_days(world.bench, dict(zip(shipped, days, strict=False)))
    _creators(world.bench, {sample_ids[0]: "@ana", sample_ids[1]: "@ana"})

    daily = world.service.report("daily")
    campaigns = world.service.report("campaigns")
    creators = world.service.report("creators")

    by_day = {row.label: row for row in daily.rows}
    assert by_day["2026-12-01"].units == 5 and by_day["2026-12-02"].units == 2
    assert daily.total.units == 7 == len(shipped)
    # GS-30 at 4.20 x 4, candles at 2.50 x 2, GS-50 has no cost.
    assert daily.total.cost == Decimal("4.20") * 4 + Decimal("2.50") * 2
    assert daily.total.units_without_cost == 1
    assert sum(row.units for row in daily.rows) == daily.total.units
    report_row = next(r for r in campaigns.rows if r.label == "Report")
    assert (report_row.units, report_row.cost) == (4, Decimal("16.80"))
    assert dict(report_row.extra)["Budget"] == "10"
    by_creator = {row.label: row for row in creators.rows}
    assert by_creator["@ana"].units == 2
    assert by_creator["(unknown creator)"].units == 1
    assert creators.total.cost == Decimal("5.00")


def test_csv_export_writes_the_figures_with_formula_safe_cells(world: World) -> None:
    [shipment_id] = import_winners(world.bench, 1)
    world.service.create(
        "CSV", "GS-30", 3, location_id=world.shop.location_id, product_ids=[PRODUCT]
    )
    world.bench.fulfil(shipment_id, ups(5), "UPS")
    out = io.StringIO(newline="")

    written = world.service.export_csv(world.service.report("campaigns"), out)

    lines = out.getvalue().splitlines()
    assert written == 2
    assert (
        lines[0]
        == "Label,Budget,State,Over budget,Shipments,Units,Cost,Units without cost"
    )
    assert lines[1] == "CSV,3,draft,0,1,1,4.20,0"


def test_burn_down_follows_the_shipments_per_day(world: World) -> None:
    winners = import_winners(world.bench, 3)
    world.service.create(
        "Burn", "GS-30", 5, location_id=world.shop.location_id, product_ids=[PRODUCT]
    )
    world.service.open("Burn")
    for number, shipment_id in enumerate(winners):
        world.bench.fulfil(shipment_id, ups(200 + number), "UPS")
    _set_days(
        world.bench,
        {
            winners[0]: date(2026, 1, 6),
            winners[1]: date(2026, 1, 8),
            winners[2]: date(2026, 1, 8),
        },
    )

    [chart] = world.service.burn_downs(until=date(2026, 1, 9))

    assert [left for _, left in chart.points] == [4, 4, 2, 2]


def test_creators_report_adds_the_content_tiktok_returns(world: World) -> None:
    tiktok = make_sim()
    affiliate = install_affiliate(tiktok)
    for number, handle in ((1, "ana"), (2, "ana"), (3, "bo")):
        affiliate.add_application(
            application_record(
                f"A{number}",
                product_id="1729500000000000201",
                title="Lavender Soy Candle 8oz",
                sku_id="1729500000000000301",
                creator_user_id=f"699{number}",
                username=handle,
            )
        )
    for application_id, content_format, views, orders in (
        ("A1", "VIDEO", 1000, 2),
        ("A1", "LIVE", 300, 1),
        ("A2", "VIDEO", 50, 0),
    ):
        affiliate.add_content(
            application_id,
            {
                "content": {
                    "id": f"{application_id}-{content_format}",
                    "format": content_format,
                    "view_count": views,
                    "paid_order_count": orders,
                }
            },
        )
    orders = [sample(order_id=f"S{n}") for n in (1, 2, 3)]
    world.bench.import_orders(orders, "test")
    ids = [world.bench.find_shipment(o["id"]) for o in orders]
    for number, shipment_id in enumerate(ids):
        world.bench.fulfil(shipment_id, ups(300 + number), "UPS")
    _creators(world.bench, {ids[0]: "ana", ids[1]: "ana", ids[2]: "bo"}, "A{}")

    with SimServer(tiktok) as server:
        client = connect_tiktok(
            tiktok, authorized_store(tiktok), base_url=server.base_url
        )
        with client:
            report = world.service.report(
                "creators", content=affiliate_content(AffiliateClient(client))
            )

    rows = {row.label: dict(row.extra) for row in report.rows}
    assert report.extra_columns == ("Posts", "Views", "Paid orders")
    assert rows["ana"] == {"Posts": "3", "Views": "1350", "Paid orders": "3"}
    assert rows["bo"] == {"Posts": "0", "Views": "0", "Paid orders": "0"}
    assert dict(report.total.extra)["Views"] == "1350"


# --- helpers ------------------------------------------------------------------


def _effects(world: World) -> list[CampaignEffect]:
    with Session(world.bench.engine) as session:
        return list(session.exec(select(CampaignEffect).order_by(CampaignEffect.id)))


def _uid(world: World) -> str:
    with Session(world.bench.engine) as session:
        campaign = session.exec(select(Campaign)).one()
        return campaign.uid


def _set_days(bench: Bench, days: dict[int, date]) -> None:
    with Session(bench.engine) as session:
        for shipment_id, day in days.items():
            row = session.exec(
                select(Fulfilment).where(Fulfilment.shipment_id == shipment_id)
            ).one()
            row.created_at = datetime(day.year, day.month, day.day, 15, tzinfo=UTC)
            session.add(row)
        session.commit()


def _creators(bench: Bench, handles: dict[int, str], ids: str = "X{}") -> None:
    with Session(bench.engine) as session:
        for number, (shipment_id, handle) in enumerate(handles.items(), start=1):
            session.add(
                SampleApplication(
                    application_id=ids.format(number),
                    status="SHIPPED",
                    shipment_id=shipment_id,
                    creator_handle=handle,
                )
            )
        session.commit()


def test_the_pack_station_refuses_a_winner_beyond_the_budget(world: World) -> None:
    from app.services.packing import PackingService

    first, _second, third = import_winners(world.bench, 3)
    world.service.create(
        "Tight", "GS-30", 2, location_id=world.shop.location_id, product_ids=[PRODUCT]
    )
    station = PackingService(world.bench)

    refused = station.open("G002")
    opened = station.open("G000")

    assert not refused.ok
    assert "budget" in refused.message.lower()
    assert opened.ok, opened.message
