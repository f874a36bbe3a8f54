"""Free samples on the bench, against the simulated TikTok and Shopify shops."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.domain.csv_safety import safe_cell
from app.domain.samples import (
    ApplicationRecord,
    RejectReason,
    ReviewResult,
    parse_application,
)
from app.domain.shipments import ShipmentState
from app.net.shopify import (
    ShipmentItem,
    ShopifyShipment,
    StockAttempt,
    TrackingInfo,
    ship_in_shopify,
)
from app.net.tiktok.affiliate import AffiliateClient
from app.net.tiktok.client import TikTokShopClient
from app.services.bench import Bench, BenchError, Identity
from app.services.demo import ensure_demo_store
from app.services.dto import CatalogItem
from app.services.samples import (
    AFFILIATE_PLATFORM,
    ManualAddress,
    SamplesService,
    ensure_demo_samples,
)
from app.services.samples_csv import SampleField, guess_mapping, read_table
from app.sim.demo_store import build_demo_store
from app.sim.tiktok import TikTokShopSim
from app.sim.tiktok.affiliate import AffiliateSim, application_record, install_affiliate
from app.storage.models import Fulfilment, OutboxEntry, SampleApplication, Shipment
from tests.utils.shopify_sim import connect as shopify_connect
from tests.utils.shopify_sim import make_shop
from tests.utils.tiktok_sim import authorized_store, make_sim
from tests.utils.tiktok_sim import connect as tiktok_connect

USPS = "9400100000000000123453"
USPS_2 = "9400111206206406260787"
CANDLE = ("1729500000000000201", "1729500000000000301", "CNDL-LAV-08")
SERUM = ("1729500000000000202", "1729500000000000302", "GS-30")
BALM = ("1729500000000000203", "1729500000000000303", "LIP-BALM")
HOME = {
    "name": "Riley Creator",
    "full_address": "900 Demo Avenue Unit 12, Austin, Texas, 78701, United States",
    "postal_code": "78701",
    "region_code": "US",
}
# One character off: a different door, never the same parcel.
NEXT_DOOR = {**HOME, "full_address": HOME["full_address"].replace("12", "13")}


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    bench = Bench.open_path(tmp_path / "data", Identity("supervisor", "bench-1"))
    bench.upsert_catalog(
        [
            CatalogItem(sku="CNDL-LAV-08", title="Lavender Soy Candle 8oz"),
            CatalogItem(sku="GS-30", title="Glow Serum 30ml"),
            CatalogItem(sku="LIP-BALM", title="Lip Balm"),
        ]
    )
    yield bench
    bench.close()


class TikTok:
    """A simulated TikTok shop with the affiliate API and connected clients."""

    def __init__(self) -> None:
        self.sim: TikTokShopSim = make_sim()
        self.affiliate: AffiliateSim = install_affiliate(self.sim)
        self.client: TikTokShopClient = tiktok_connect(
            self.sim, authorized_store(self.sim)
        )
        self.samples = AffiliateClient(self.client)

    def request(
        self, number: int, product: tuple[str, str, str], address: dict[str, str]
    ) -> str:
        application_id = f"74500000000000{number:05d}"
        now = int(self.sim.clock())
        self.affiliate.add_application(
            application_record(
                application_id,
                product_id=product[0],
                title=f"Product {product[2]}",
                sku_id=product[1],
                creator_user_id="6990000000000000444",
                username="riley.makes.things",
                nickname="Riley Creator",
                approve_by=now + 7 * 86400,
                ship_by=now + 10 * 86400,
            ),
            address=address,
            seller_sku=product[2],
        )
        return application_id


@pytest.fixture
def tiktok() -> TikTok:
    return TikTok()


def approve_and_pull(
    service: SamplesService, tiktok: TikTok, *application_ids: str
) -> None:
    service.pull(tiktok.samples)
    for application_id in application_ids:
        service.review(application_id, ReviewResult.APPROVE)
    service.pull(tiktok.samples, orders=tiktok.client)


def shipment_of(service: SamplesService, application_id: str) -> int:
    shipment_id = service.detail(application_id).row.shipment_id
    assert shipment_id is not None
    return shipment_id


# --- applications ------------------------------------------------------------------


def test_approved_samples_arrive_as_orders_linked_to_their_applications(
    bench: Bench, tiktok: TikTok
) -> None:
    first = tiktok.request(1, CANDLE, HOME)
    pending = tiktok.request(2, SERUM, HOME)
    service = SamplesService(bench, reviewer=tiktok.samples)

    approve_and_pull(service, tiktok, first)

    detail = service.detail(first)
    row = detail.row
    assert row.order_id in tiktok.sim.orders
    assert row.shipment_state is ShipmentState.READY, "seller SKU matched itself"
    assert row.creator_text == "@riley.makes.things (Riley Creator)"
    assert row.ship_by is not None and row.approve_by is not None
    assert detail.link_text == f"Application {first} → sample order {row.order_id}."
    assert detail.address == HOME["full_address"]

    waiting = service.detail(pending).row
    assert waiting.status == "PENDING" and waiting.order_id is None
    assert waiting.deadline == waiting.approve_by


def test_a_reject_needs_a_reason_and_a_connection(bench: Bench, tiktok: TikTok) -> None:
    application_id = tiktok.request(3, CANDLE, HOME)
    offline = SamplesService(bench)
    offline.pull(tiktok.samples)
    with pytest.raises(BenchError, match="not connected"):
        offline.review(application_id, ReviewResult.REJECT, RejectReason.OTHER)

    service = SamplesService(bench, reviewer=tiktok.samples)
    with pytest.raises(BenchError, match="reason"):
        service.review(application_id, ReviewResult.REJECT)
    service.review(application_id, ReviewResult.REJECT, RejectReason.OUT_OF_STOCK)

    assert service.detail(application_id).row.status == "REJECT_CANCELLED"
    assert tiktok.affiliate.applications[application_id]["status"] == (
        "REJECT_CANCELLED"
    )
    with pytest.raises(BenchError, match="only a request waiting"):
        service.review(application_id, ReviewResult.APPROVE)


# --- Shopify: the twin or an adjustment, never both -----------------------------------


def shopify_side(bench: Bench, shipment_id: int) -> dict[str, object]:
    """The payload Bench.fulfil left in the outbox for the Shopify effect."""
    with Session(bench.engine) as session:
        entry = session.exec(
            select(OutboxEntry)
            .where(OutboxEntry.shipment_id == shipment_id)
            .where(OutboxEntry.action == "shopify.fulfil_or_adjust")
        ).one()
        payload: dict[str, object] = json.loads(entry.payload_json)
        payload["key"] = entry.idempotency_key
        return payload


@pytest.mark.parametrize("twin", [True, False], ids=["twin", "no-twin"])
def test_a_sample_takes_its_unit_in_shopify_exactly_once(
    bench: Bench, tiktok: TikTok, twin: bool
) -> None:
    shop = make_shop()
    candle = shop.sim.state.add_variant(sku="CNDL-LAV-08", stock={shop.location_id: 10})
    service = SamplesService(bench, reviewer=tiktok.samples)
    application_id = tiktok.request(4, CANDLE, HOME)
    approve_and_pull(service, tiktok, application_id)
    order_id = str(service.detail(application_id).row.order_id)
    if twin:
        # TikTok's Shopify channel copied the sample as a $0 order.
        shop.sim.add_channel_order(
            candle.id,
            tags=["Free sample"],
            attributes=[("TikTok order ID", order_id)],
            location_id=shop.location_id,
        )

    bench.fulfil(shipment_of(service, application_id), USPS, "USPS")
    payload = shopify_side(bench, shipment_of(service, application_id))
    assert payload["kind"] == "sample" and payload["skus"] == ["CNDL-LAV-08"]
    shipment = ShopifyShipment(
        tiktok_order_id=str(payload["order_id"]),
        kind=str(payload["kind"]),
        items=(ShipmentItem(candle.id, candle.inventory_item_id),),
        location_id=shop.location_id,
        tracking=TrackingInfo(company="USPS", number=USPS),
        idempotency_key=str(payload["key"]),
    )
    # As the outbox does: keep each stock attempt, and resume with the last one
    # when the entry is sent again (here: a retry after a lost answer).
    attempts: list[StockAttempt] = []
    with shopify_connect(shop) as client:
        outcome = ship_in_shopify(client, shipment, record_attempt=attempts.append)
        retried = ship_in_shopify(
            client, shipment, resume=attempts[-1] if attempts else None
        )

    counters = shop.sim.state.counters
    assert shop.sim.state.available(candle.inventory_item_id, shop.location_id) == 9
    if twin:
        assert outcome.path == retried.path == "existing-order"
        assert counters.fulfilments[outcome.order_id or ""] == 1
        assert counters.adjustments[candle.inventory_item_id] == 0
    else:
        assert outcome.path == "stock-only"
        assert counters.adjustments[candle.inventory_item_id] == 1
        assert counters.fulfilments.total() == 0
    assert counters.orders_created == 0


# --- combining ---------------------------------------------------------------------


def test_samples_for_one_creator_and_one_door_share_a_tracking_number(
    bench: Bench, tiktok: TikTok
) -> None:
    candle = tiktok.request(5, CANDLE, HOME)
    serum = tiktok.request(6, SERUM, HOME)
    balm = tiktok.request(7, BALM, NEXT_DOOR)
    service = SamplesService(bench, reviewer=tiktok.samples)
    approve_and_pull(service, tiktok, candle, serum, balm)
    ids = {a: shipment_of(service, a) for a in (candle, serum, balm)}

    [offer] = service.combine_offers()
    assert set(offer.shipment_ids) == {ids[candle], ids[serum]}
    assert service.detail(candle).combinable_with == (
        service.detail(serum).row.order_id,
    )
    with pytest.raises(BenchError, match="cannot share a parcel"):
        service.fulfil_together([ids[candle], ids[balm]], USPS, "USPS")

    results = service.fulfil_together(list(offer.shipment_ids), USPS, "USPS")

    assert {r.tracking_number for r in results} == {USPS}
    with Session(bench.engine) as session:
        second = session.exec(
            select(Fulfilment).where(Fulfilment.shipment_id == offer.shipment_ids[1])
        ).one()
    assert second.same_parcel_as == offer.shipment_ids[0]
    assert service.detail(balm).row.shipment_state is ShipmentState.READY

    # The outbox ships each sample order in TikTok with the one number.
    for result in results:
        provider = tiktok.client.provider_id_for("7200000000000000011", "USPS")
        tiktok.client.ship(result.order_id, "", USPS, provider)
    shipped = [tiktok.sim.orders[r.order_id]["tracking_number"] for r in results]
    assert shipped == [USPS, USPS]
    service.pull(tiktok.samples)
    assert service.detail(candle).row.status == "SHIPPED"


def test_a_later_sample_outside_the_window_is_not_combined(bench: Bench) -> None:
    service = SamplesService(bench, combine_window=timedelta(hours=48))
    first = manual_sample(service, "7450000000000000031", HOME)
    second = manual_sample(service, "7450000000000000032", HOME)
    assert [set(g.shipment_ids) for g in service.combine_offers()] == [{first, second}]

    narrow = SamplesService(bench, combine_window=timedelta(0))
    with Session(bench.engine) as session:
        row = session.get(Shipment, second)
        assert row is not None
        row.ordered_at = row.ordered_at + timedelta(seconds=1)
        session.add(row)
        session.commit()
    assert narrow.combine_offers() == []


# --- samples with no TikTok order --------------------------------------------------


def manual_sample(
    service: SamplesService,
    application_id: str,
    address: dict[str, str],
    product: tuple[str, str, str] = CANDLE,
    seller_sku: str = "",
) -> int:
    service.store_applications(
        [
            _record(application_id, product, seller_sku=seller_sku),
        ]
    )
    return service.create_manual_shipment(
        application_id,
        ManualAddress(address["name"], address["full_address"], address["postal_code"]),
    )


def _record(
    application_id: str, product: tuple[str, str, str], seller_sku: str = ""
) -> ApplicationRecord:
    record = parse_application(
        application_record(
            application_id,
            status="AWAITING_SHIPMENT",
            product_id=product[0],
            title="Lavender Soy Candle 8oz",
            sku_id=product[1],
            creator_user_id="6990000000000000444",
            username="riley.makes.things",
        )
    )
    return dataclasses.replace(record, seller_sku=seller_sku)


def test_a_sample_without_an_order_matches_by_sku_id_or_waits_for_a_match(
    bench: Bench,
) -> None:
    service = SamplesService(bench)
    by_id = manual_sample(
        service, "7450000000000000041", HOME, ("1729", "cndl-lav-08", "")
    )
    unknown = manual_sample(
        service, "7450000000000000042", HOME, ("1730", "1730000000000009", "")
    )
    assert bench.detail(by_id).row.state is ShipmentState.READY
    assert bench.detail(by_id).lines[0].matched_sku == "CNDL-LAV-08"
    assert bench.detail(unknown).row.state is ShipmentState.UNMATCHED

    bench.match(unknown, "LIP-BALM")
    assert bench.detail(unknown).row.state is ShipmentState.READY
    assert service.detail("7450000000000000042").link_text.endswith(
        "shipment entered by hand (no TikTok order)."
    )


def test_a_sample_with_an_order_gets_no_hand_made_shipment(bench: Bench) -> None:
    service = SamplesService(bench)
    record = _record("7450000000000000051", CANDLE)
    service.store_applications(
        [dataclasses.replace(record, order_id="579100000000000303")]
    )
    with pytest.raises(BenchError, match="ships on that order"):
        service.create_manual_shipment(
            "7450000000000000051", ManualAddress("Riley", "900 Demo Ave", "78701")
        )


FORMULA = '=HYPERLINK("http://evil.invalid","x")'


def test_tracking_export_lists_hand_made_shipments_safely(bench: Bench) -> None:
    service = SamplesService(bench)
    shipment_id = manual_sample(
        service, "7450000000000000061", HOME, seller_sku="CNDL-LAV-08"
    )
    with Session(bench.engine) as session:
        row = session.exec(
            select(SampleApplication).where(
                SampleApplication.application_id == "7450000000000000061"
            )
        ).one()
        row.creator_nickname = FORMULA
        session.add(row)
        session.commit()
    bench.fulfil(shipment_id, USPS_2, "USPS")

    out = io.StringIO(newline="")
    assert service.export_tracking(out) == 1

    [header, line] = list(csv.reader(io.StringIO(out.getvalue())))
    assert header[0] == "Application ID" and "Tracking number" in header
    values = dict(zip(header, line, strict=True))
    assert values["Tracking number"] == USPS_2
    assert values["Creator name"] == "'" + FORMULA
    assert values["Application ID"] == "7450000000000000061"
    assert bench.detail(shipment_id).row.order_id == "AFF-7450000000000000061"
    with Session(bench.engine) as session:
        made = session.get(Shipment, shipment_id)
        assert made is not None and made.platform == AFFILIATE_PLATFORM


# --- spreadsheets ------------------------------------------------------------------

SHEET = (
    "Application ID;Creator;Creator name;Product;Seller SKU;Recipient;Address;ZIP;"
    "Status\r\n"
    "7450000000000000071;@lena.lips;Léna;Lip Balm;LIP-BALM;Léna Exemple;"
    "12 Rue Demo, Springfield;02134;AWAITING_SHIPMENT\r\n"
    ";@nobody;No Id;Lip Balm;LIP-BALM;X;1 Road;02135;AWAITING_SHIPMENT\r\n"
    "0007450000000000072;@serum.sam;Sam;Glow Serum;GS-30;Sam Demo;"
    "5 Sample Road, Austin;00501;AWAITING_SHIPMENT\r\n"
    "7.45E+18;@excel.ate.it;Oops;Lip Balm;LIP-BALM;Y;2 Road;02136;PENDING\r\n"
)


def test_a_sheet_with_bom_semicolons_and_leading_zeros_imports_its_good_rows(
    bench: Bench,
) -> None:
    data = b"\xef\xbb\xbf" + SHEET.encode("utf-8")
    service = SamplesService(bench)

    result = service.import_csv(data, source="samples.csv")

    assert result.delimiter == ";" and result.encoding == "utf-8-sig"
    assert result.imported == ["7450000000000000071", "0007450000000000072"]
    assert [bad.line for bad in result.bad_rows] == [3, 5]
    assert "no application id" in result.bad_rows[0].reason
    assert "turned into a number" in result.bad_rows[1].reason
    assert result.report_lines()[0].startswith("line 3: ")

    zero = service.detail("0007450000000000072")
    assert zero.postal_code == "00501", "leading zeros kept"
    assert zero.row.creator_handle == "serum.sam"
    assert zero.row.shipment_state is ShipmentState.READY
    assert service.detail("7450000000000000071").row.recipient == "Léna Exemple"


def test_a_windows_1252_sheet_with_commas_reads_the_same(bench: Bench) -> None:
    text = SHEET.replace(";", ",").replace("12 Rue Demo, Springfield", "12 Rue Demo")
    text = text.replace("5 Sample Road, Austin", "5 Sample Road")
    table = read_table(text.encode("cp1252"))
    assert table.encoding == "cp1252" and table.delimiter == ","
    mapping = guess_mapping(table.header)
    assert mapping[SampleField.CREATOR_HANDLE] == 1
    assert mapping[SampleField.POSTAL_CODE] == 7

    result = SamplesService(bench).import_csv(text.encode("cp1252"))
    assert len(result.imported) == 2 and len(result.bad_rows) == 2


def test_formula_cells_are_neutralised() -> None:
    assert safe_cell("=SUM(A1:A3)") == "'=SUM(A1:A3)"
    assert safe_cell("+1 555") == "'+1 555"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("@handle") == "'@handle"
    assert safe_cell(None) == ""
    assert safe_cell("00501") == "00501"


def test_the_demo_samples_fill_every_status(bench: Bench) -> None:
    now = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    store = build_demo_store(now=now)
    ensure_demo_store(bench, store)
    report = ensure_demo_samples(bench, store, now)
    assert report is not None and report.new > 40
    assert ensure_demo_samples(bench, store, now) is None, "only once"

    rows = SamplesService(bench).rows()
    statuses = {row.status for row in rows}
    assert {"PENDING", "AWAITING_SHIPMENT", "SHIPPED", "REJECT_CANCELLED"} <= statuses
    with_order = [r for r in rows if r.order_id and r.shipment_id]
    assert with_order and all(r.creator_handle for r in with_order)
    assert rows[0].is_open, "things to do come first"
    assert SamplesService(bench).combine_offers(), "two parcels for one door"


def test_a_hand_made_sample_parcel_is_not_shipped_in_tiktok(bench: Bench) -> None:
    service = SamplesService(bench)
    shipment_id = manual_sample(
        service, "7450000000000000071", HOME, seller_sku="CNDL-LAV-08"
    )
    bench.fulfil(shipment_id, "1Z999AA10123456784")

    with Session(bench.engine) as session:
        actions = session.exec(
            select(OutboxEntry.action).where(OutboxEntry.shipment_id == shipment_id)
        ).all()
    assert actions == ["shopify.fulfil_or_adjust"]
    assert bench.find_shipment("AFF-7450000000000000071") == shipment_id
