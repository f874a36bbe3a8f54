"""The pack flow on a real SQLite file: open, verify items, tracking label.

Bench cases covered: C07 (USPS 420+ZIP label, ZIP mismatch warns), C08 (FedEx
34-digit label), C12 (lower-case UPS), C14 (tracking reused on another order),
C20 (UPC-A / EAN-13 / GTIN-14 are one product), C22 (doubled scan refused).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from app.domain.scanning.detector import StationSettings
from app.domain.shipments import ShipmentState
from app.services.bench import Bench, BenchError
from app.services.packing import Outcome, PackingService, Phase
from app.storage.models import AuditEntry, Fulfilment, ShipmentLine
from tests.utils.bench_orders import giveaway, open_bench, sample

UPS = "1Z999AA10123456784"
GS30_UPC_A = "860000000017"  # GS-30's GTIN-14 00860000000017 as a 12-digit UPC-A
GS30_EAN_13 = "0860000000017"
GS50_GTIN = "00860000000024"
USPS = "9400100000000000123453"


class FakeClock:
    """Milliseconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    bench = open_bench(tmp_path / "bench")
    yield bench
    bench.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def packing(bench: Bench, clock: FakeClock) -> PackingService:
    return PackingService(bench, clock=clock)


def with_lines(order: dict[str, Any], *seller_skus: str) -> dict[str, Any]:
    """The order with one more line per seller SKU (samples match themselves)."""
    first = order["line_items"][0]
    for n, sku in enumerate(seller_skus, start=2):
        line = dict(first, id=f"{order['id']}{n:02d}", seller_sku=sku)
        line["sku_id"] = f"{first['sku_id']}{n}"
        order["line_items"].append(line)
    return order


def ready_sample(bench: Bench, order_id: str, *extra_skus: str) -> int:
    """A sample order of CNDL-LAV-08 plus ``extra_skus``, ready to pack."""
    order = with_lines(sample(order_id=order_id), *extra_skus)
    bench.import_orders([order], "test")
    return bench.find_shipment(order_id)


def ready_giveaway(bench: Bench, order_id: str, postal_code: str = "62704") -> int:
    """A one-unit giveaway of GS-30, matched and ready to pack."""
    bench.import_orders([giveaway(order_id=order_id, postal_code=postal_code)], "test")
    shipment_id = bench.find_shipment(order_id)
    bench.match(shipment_id, "GS-30")
    return shipment_id


def packed_flags(bench: Bench, shipment_id: int) -> list[bool]:
    with Session(bench.engine) as session:
        rows = session.exec(
            select(ShipmentLine)
            .where(ShipmentLine.shipment_id == shipment_id)
            .order_by(ShipmentLine.id)
        )
        return [row.packed for row in rows]


def audit_of(bench: Bench, order_id: str, action: str) -> list[AuditEntry]:
    with Session(bench.engine) as session:
        return list(
            session.exec(
                select(AuditEntry)
                .where(AuditEntry.entity_id == order_id)
                .where(AuditEntry.action == action)
                .order_by(AuditEntry.id)
            )
        )


def state_of(bench: Bench, shipment_id: int) -> ShipmentState:
    return bench.detail(shipment_id).row.state


# --- opening --------------------------------------------------------------------


def test_order_opens_by_its_id_a_hash_or_the_slip_barcode(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = ready_sample(bench, "579300000000000042")

    for code in ("579300000000000042", "#579300000000000042", " 579300000000000042\n"):
        step = packing.scan(None, code)
        assert step.outcome is Outcome.OPENED
        assert step.view is not None and step.view.shipment_id == shipment_id
        assert step.view.phase is Phase.ITEMS
        assert "scan each item (1 to pack)" in step.message

    missing = packing.scan(None, "579300000000000099")
    assert (missing.outcome, missing.ok) == (Outcome.NOT_FOUND, False)
    assert "No order 579300000000000099" in missing.message


def test_an_unmatched_order_opens_but_cannot_be_packed(
    bench: Bench, packing: PackingService
) -> None:
    bench.import_orders([giveaway(order_id="G-UNMATCHED")], "test")

    step = packing.scan(None, "G-UNMATCHED")
    assert (step.outcome, step.ok) == (Outcome.NOT_PACKABLE, False)
    assert "not matched to a SKU yet" in step.message

    item = packing.scan(step.view.shipment_id, GS30_UPC_A)
    assert item.ok is False and "not matched" in item.message


# --- items ----------------------------------------------------------------------


def test_c20_every_gtin_form_and_a_lower_case_sku_pack_the_order(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = ready_sample(bench, "S-FULL", "GS-30", "GS-30")

    first = packing.scan(shipment_id, GS30_UPC_A, repeat=False)
    assert (first.outcome, first.ok) == (Outcome.PACKED_ITEM, True)
    assert "1 of 3 packed" in first.message
    second = packing.scan(shipment_id, GS30_EAN_13, repeat=False)
    assert "2 of 3 packed" in second.message
    last = packing.scan(shipment_id, "cndl-lav-08", repeat=False)

    assert last.outcome is Outcome.ORDER_PACKED
    assert "Scan the tracking label" in last.message
    assert last.view is not None and last.view.phase is Phase.TRACKING
    assert packed_flags(bench, shipment_id) == [True, True, True]
    assert state_of(bench, shipment_id) is ShipmentState.PACKED
    assert len(audit_of(bench, "S-FULL", "packed")) == 3


def test_wrong_item_is_refused_named_audited_and_nothing_is_packed(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = ready_giveaway(bench, "G-WRONG")

    step = packing.scan(shipment_id, GS50_GTIN, repeat=False)

    assert (step.outcome, step.ok) == (Outcome.WRONG_ITEM, False)
    assert "WRONG ITEM: GS-50 (Glow Serum 50ml)" in step.message
    assert "Expected GS-30" in step.message
    assert packed_flags(bench, shipment_id) == [False]
    assert state_of(bench, shipment_id) is ShipmentState.READY
    refusals = audit_of(bench, "G-WRONG", "pack_refused")
    assert [(r.old_value, r.new_value) for r in refusals] == [("GS-30", "GS-50")]


def test_a_barcode_nobody_knows_is_a_wrong_item_too(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = ready_giveaway(bench, "G-UNKNOWN")

    step = packing.scan(shipment_id, "4006381333931", repeat=False)

    assert step.outcome is Outcome.WRONG_ITEM
    assert "04006381333931 (not in the catalog)" in step.message
    assert packed_flags(bench, shipment_id) == [False]


def test_c22_a_doubled_scan_is_unreadable_not_packed(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = ready_giveaway(bench, "G-DOUBLED")

    step = packing.scan(shipment_id, "66442277001155005588008888", repeat=False)

    assert (step.outcome, step.ok) == (Outcome.UNREADABLE, False)
    assert packed_flags(bench, shipment_id) == [False]


def test_over_scan_is_refused_and_audited(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = ready_sample(bench, "S-OVER", "GS-30")
    assert packing.scan(shipment_id, GS30_UPC_A, repeat=False).ok

    again = packing.scan(shipment_id, GS30_UPC_A, repeat=False)

    assert (again.outcome, again.ok) == (Outcome.OVER_SCAN, False)
    assert "TOO MANY: this order needs 1 × GS-30" in again.message
    assert packed_flags(bench, shipment_id) == [False, True]
    assert [r.detail for r in audit_of(bench, "S-OVER", "pack_refused")] == [
        "over-scan"
    ]


def test_a_product_scanned_when_the_label_is_due_is_an_over_scan(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = ready_giveaway(bench, "G-LABEL-DUE")
    packing.scan(shipment_id, GS30_UPC_A, repeat=False)

    step = packing.scan(shipment_id, GS30_EAN_13, repeat=False)

    assert step.outcome is Outcome.OVER_SCAN
    assert bench.detail(shipment_id).row.tracking_number is None


def test_a_trigger_bounce_flagged_by_the_detector_is_ignored(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = ready_sample(bench, "S-BOUNCE", "GS-30", "GS-30")
    packing.scan(shipment_id, GS30_UPC_A, repeat=False)

    bounce = packing.scan(shipment_id, GS30_UPC_A, repeat=True)

    assert (bounce.outcome, bounce.ok) == (Outcome.BOUNCE, True)
    assert packed_flags(bench, shipment_id) == [False, True, False]


def test_without_a_detector_the_service_clock_tells_a_bounce_from_a_second_unit(
    bench: Bench, packing: PackingService, clock: FakeClock
) -> None:
    shipment_id = ready_sample(bench, "S-CLOCK", "GS-30", "GS-30")
    packing.scan(shipment_id, GS30_UPC_A)

    clock.now += 120
    assert packing.scan(shipment_id, GS30_UPC_A).outcome is Outcome.BOUNCE
    clock.now += 900
    assert packing.scan(shipment_id, GS30_UPC_A).outcome is Outcome.PACKED_ITEM
    assert packed_flags(bench, shipment_id) == [False, True, True]


def test_a_tracking_label_before_the_items_is_refused(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = ready_giveaway(bench, "G-EARLY")

    step = packing.scan(shipment_id, UPS, repeat=False)

    assert step.ok is False
    assert "Scan the items first (1 left)" in step.message
    assert packed_flags(bench, shipment_id) == [False]
    early = packing.ship(shipment_id, UPS)
    assert early.ok is False and "Scan the items first" in early.message


def test_supervisor_override_packs_an_item_without_barcode_and_names_them(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = ready_sample(bench, "S-NOBARCODE", "MUG-BLK")
    view = packing.view(shipment_id)
    mug = next(line for line in view.lines if line.sku == "MUG-BLK")

    with pytest.raises(BenchError, match="supervisor's name and a reason"):
        packing.override_item(shipment_id, mug.line_id, supervisor=" ", reason="x")
    step = packing.override_item(
        shipment_id, mug.line_id, supervisor="Sam Lead", reason="label torn off"
    )

    assert (step.outcome, step.ok) == (Outcome.PACKED_ITEM, True)
    assert packed_flags(bench, shipment_id) == [False, True]
    [entry] = audit_of(bench, "S-NOBARCODE", "pack_override")
    assert entry.old_value == "Sam Lead" and entry.new_value == "MUG-BLK"
    assert "supervisor Sam Lead: label torn off" in entry.detail
    assert entry.user == "alex"


# --- tracking -------------------------------------------------------------------


def pack_one(bench: Bench, packing: PackingService, order_id: str, **kw: Any) -> int:
    shipment_id = ready_giveaway(bench, order_id, **kw)
    assert packing.scan(shipment_id, GS30_UPC_A, repeat=False).ok
    return shipment_id


@pytest.mark.parametrize(
    "label", ["420123459400100000000000123453", "42012345\x1d" + USPS]
)
def test_c07_usps_label_with_the_orders_zip_ships_at_once(
    bench: Bench, packing: PackingService, label: str
) -> None:
    shipment_id = pack_one(bench, packing, "G-ZIP-OK", postal_code="12345")

    step = packing.scan(shipment_id, label)

    assert (step.outcome, step.ok) == (Outcome.SHIPPED, True)
    assert step.fulfilment is not None
    assert (step.fulfilment.carrier, step.fulfilment.tracking_number) == ("USPS", USPS)
    with Session(bench.engine) as session:
        saved = session.exec(select(Fulfilment)).one()
    assert (saved.tracking_number, saved.destination_zip) == (USPS, "12345")
    assert state_of(bench, shipment_id) is ShipmentState.SHIPPED


def test_c07_label_zip_mismatch_warns_and_saves_only_when_confirmed(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = pack_one(bench, packing, "G-ZIP-BAD", postal_code="54321")
    label = "420123459400100000000000123453"

    step = packing.scan(shipment_id, label)

    assert (step.outcome, step.ok) == (Outcome.CONFIRM, False)
    assert "label ZIP does not match order" in step.message
    assert step.pending is not None and step.pending.value == USPS
    assert state_of(bench, shipment_id) is ShipmentState.PACKED

    saved = packing.ship(shipment_id, label, confirmed=True)
    assert saved.outcome is Outcome.SHIPPED
    assert bench.detail(shipment_id).row.tracking_number == USPS


@pytest.mark.parametrize(
    ("label", "carrier", "number"),
    [
        ("1000000000000001234500123456789012", "FedEx", "123456789012"),  # C08
        ("1z999aa10123456784", "UPS", UPS),  # C12
    ],
)
def test_c08_c12_label_forms_are_stored_as_the_tracking_number(
    bench: Bench, packing: PackingService, label: str, carrier: str, number: str
) -> None:
    shipment_id = pack_one(bench, packing, "G-FORMS")

    step = packing.scan(shipment_id, label)

    assert step.outcome is Outcome.SHIPPED
    row = bench.detail(shipment_id).row
    assert (row.carrier, row.tracking_number) == (carrier, number)


def test_a_bad_check_digit_is_refused(bench: Bench, packing: PackingService) -> None:
    shipment_id = pack_one(bench, packing, "G-BADCHECK")

    step = packing.scan(shipment_id, "1Z999AA10123456785")

    assert (step.outcome, step.ok) == (Outcome.BAD_TRACKING, False)
    assert "check digit" in step.message
    assert state_of(bench, shipment_id) is ShipmentState.PACKED


def test_c14_tracking_on_another_order_is_blocked_unless_same_parcel(
    bench: Bench, packing: PackingService
) -> None:
    order_a = pack_one(bench, packing, "G-A")
    assert packing.scan(order_a, UPS).outcome is Outcome.SHIPPED
    order_b = pack_one(bench, packing, "G-B")

    blocked = packing.scan(order_b, UPS)
    assert (blocked.outcome, blocked.ok) == (Outcome.CONFIRM, False)
    assert "already used on order G-A" in blocked.message
    assert blocked.pending is not None
    assert blocked.pending.in_use_shipment_id == order_a

    # Confirming a warning is not enough: it must be "same parcel as A".
    assert packing.ship(order_b, UPS, confirmed=True).outcome is Outcome.CONFIRM
    assert state_of(bench, order_b) is ShipmentState.PACKED

    combined = packing.ship(order_b, UPS, confirmed=True, same_parcel_as=order_a)
    assert combined.outcome is Outcome.SHIPPED
    [fulfilled] = audit_of(bench, "G-B", "fulfilled")
    assert fulfilled.detail == "same parcel as another order"


def test_a_shipped_order_reopened_says_so(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = pack_one(bench, packing, "G-DONE")
    packing.scan(shipment_id, UPS)

    step = packing.scan(None, "G-DONE")

    assert (step.outcome, step.ok) == (Outcome.NOT_PACKABLE, False)
    assert f"already shipped (UPS {UPS})" in step.message
    again = packing.scan(shipment_id, GS30_UPC_A, repeat=False)
    assert again.ok is False


def test_scanning_another_slip_while_packing_switches_order(
    bench: Bench, packing: PackingService
) -> None:
    first = ready_giveaway(bench, "G-FIRST")
    ready_giveaway(bench, "G-SECOND")

    step = packing.scan(first, "G-SECOND")

    assert step.outcome is Outcome.OPENED
    assert step.view is not None and step.view.order_id == "G-SECOND"


def test_find_variant_by_any_gtin_form_or_sku(
    bench: Bench, packing: PackingService
) -> None:
    for code in (GS30_UPC_A, GS30_EAN_13, "00860000000017", "gs-30"):
        variant = packing.find_variant(code)
        assert variant is not None and variant.sku == "GS-30", code
    assert packing.find_variant("4006381333931") is None


# --- more bench cases through the pack flow --------------------------------------


def test_a_typed_sku_never_counts_as_an_item_but_a_typed_label_does(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = ready_giveaway(bench, "G-TYPED")

    typed = packing.scan(shipment_id, "GS-30", typed=True)
    assert (typed.outcome, typed.ok) == (Outcome.UNREADABLE, False)
    assert "Items must be scanned, not typed" in typed.message
    assert packed_flags(bench, shipment_id) == [False]

    assert packing.scan(shipment_id, "GS-30", repeat=False).ok
    assert packing.scan(shipment_id, UPS, typed=True).outcome is Outcome.SHIPPED


@pytest.mark.parametrize(
    "code",
    [
        "]E00860000000017",  # C19: AIM identifier for EAN/UPC
        "]C1010086000000001710ABC123\x1d17251231",  # C18: GS1-128 with GS
    ],
)
def test_c18_c19_framed_product_scans_pack_the_item(
    bench: Bench, packing: PackingService, code: str
) -> None:
    shipment_id = ready_giveaway(bench, "G-FRAMED")

    step = packing.scan(shipment_id, code, repeat=False)

    assert step.outcome is Outcome.ORDER_PACKED, step.message
    assert packed_flags(bench, shipment_id) == [True]


def test_c18_gs1_without_separator_is_refused_as_ambiguous(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = ready_giveaway(bench, "G-NOGS")

    step = packing.scan(
        shipment_id, "]C1010086000000001710ABC12317251231", repeat=False
    )

    assert (step.outcome, step.ok) == (Outcome.UNREADABLE, False)
    assert packed_flags(bench, shipment_id) == [False]


def test_c16_azerty_tracking_label_is_refused_with_the_corrected_number(
    bench: Bench, packing: PackingService
) -> None:
    shipment_id = pack_one(bench, packing, "G-AZERTY")

    step = packing.scan(shipment_id, "ç'àà&&&éà-éà-'à-é-àè_è")

    assert (step.outcome, step.ok) == (Outcome.BAD_TRACKING, False)
    assert step.suggestion == "9400111206206406260787"
    assert bench.detail(shipment_id).row.tracking_number is None


def test_a_station_prefix_is_stripped_before_the_bench_checks_the_label(
    bench: Bench, clock: FakeClock
) -> None:
    packing = PackingService(bench, StationSettings.usb(prefix="@@"), clock=clock)
    shipment_id = pack_one(bench, packing, "G-PREFIX")

    step = packing.scan(shipment_id, "@@" + UPS)

    assert step.outcome is Outcome.SHIPPED, step.message
    assert bench.detail(shipment_id).row.tracking_number == UPS
