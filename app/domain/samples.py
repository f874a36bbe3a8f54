"""Creator free samples: TikTok Affiliate sample applications and combined parcels.

An application is a creator's request for a free sample of one product SKU. Once
a seller approves it, TikTok usually creates a sample order (``order_id``) that
ships like any order; in older setups there is no order and the parcel is sent
by hand, its tracking number uploaded in the Affiliate Center. The affiliate API
carries no shipping address: that comes from the sample order, or from whoever
enters the manual shipment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final


class ApplicationStatus(StrEnum):
    """The documented statuses of a sample application."""

    PENDING = "PENDING"
    AWAITING_SHIPMENT = "AWAITING_SHIPMENT"
    SHIPPED = "SHIPPED"
    CONTENT_PENDING = "CONTENT_PENDING"
    COMPLETED = "COMPLETED"
    REJECT_CANCELLED = "REJECT_CANCELLED"
    OVERDUE_CANCELLED = "OVERDUE_CANCELLED"
    UNFULFILL_CANCELLED = "UNFULFILL_CANCELLED"
    DEL_OPEN_COLLAB = "DEL_OPEN_COLLAB"
    SELLER_NOT_SHIP_CANCELLED = "SELLER_NOT_SHIP_CANCELLED"
    WITHDRAW_CANCELLED = "WITHDRAW_CANCELLED"
    UNFULFILLABLE_CANCELLED = "UNFULFILLABLE_CANCELLED"
    OPS_CANCELLED = "OPS_CANCELLED"
    OPS_FAILED = "OPS_FAILED"
    OPS_COMPLETED = "OPS_COMPLETED"


class ReviewResult(StrEnum):
    """A seller's answer to a pending application."""

    APPROVE = "APPROVE"
    REJECT = "REJECT"


class RejectReason(StrEnum):
    """Why a seller turned an application down (required on a reject)."""

    NOT_MATCH = "NOT_MATCH"
    OFFLINE = "OFFLINE"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    OTHER = "OTHER"


REJECT_REASON_LABELS: Final[dict[RejectReason, str]] = {
    RejectReason.NOT_MATCH: "Creator is not a match for the product",
    RejectReason.OFFLINE: "Product is offline",
    RejectReason.OUT_OF_STOCK: "Out of stock",
    RejectReason.OTHER: "Other reason",
}

STATUS_LABELS: Final[dict[str, str]] = {
    "PENDING": "Waiting for approval",
    "AWAITING_SHIPMENT": "Approved, to ship",
    "SHIPPED": "Shipped",
    "CONTENT_PENDING": "Delivered, content due",
    "COMPLETED": "Completed",
}

#: Statuses in which the seller still owes the creator a parcel.
TO_SHIP: Final = frozenset({ApplicationStatus.AWAITING_SHIPMENT.value})


def status_label(status: str) -> str:
    """Plain words for a status; every ``*_CANCELLED`` reads "Cancelled (...)"."""
    if status in STATUS_LABELS:
        return STATUS_LABELS[status]
    if status.endswith("_CANCELLED"):
        reason = status.removesuffix("_CANCELLED").replace("_", " ").lower()
        return f"Cancelled ({reason})"
    return status.replace("_", " ").capitalize() or "Unknown"


class ApplicationRecordError(ValueError):
    """One application record could not be read; the message says why."""


@dataclass(frozen=True, slots=True)
class ApplicationRecord:
    """What the bench keeps of one sample application."""

    application_id: str
    status: str
    order_id: str | None
    creator_user_id: str
    creator_handle: str
    creator_nickname: str
    product_id: str
    product_title: str
    sku_id: str
    sku_name: str
    approve_by: datetime | None
    ship_by: datetime | None
    fulfillment_status: str
    tracking_number: str = ""
    seller_sku: str = ""
    raw: Mapping[str, Any] | None = None

    @property
    def is_pending(self) -> bool:
        """True while the seller may still approve or reject it."""
        return self.status == ApplicationStatus.PENDING.value


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _time(value: object) -> datetime | None:
    text = _text(value)
    if not text or not text.isdigit() or int(text) == 0:
        return None
    return datetime.fromtimestamp(int(text), UTC)


def parse_application(raw: Mapping[str, Any]) -> ApplicationRecord:
    """Read one ``sample_applications[]`` record of the 202409 search answer."""
    application_id = _text(raw.get("id"))
    if not application_id:
        raise ApplicationRecordError("a sample application without an id")
    product = raw.get("product") or {}
    creator = raw.get("creator") or {}
    if not isinstance(product, Mapping) or not isinstance(creator, Mapping):
        raise ApplicationRecordError(
            f"sample application {application_id}: product or creator is not an object"
        )
    return ApplicationRecord(
        application_id=application_id,
        status=_text(raw.get("status")) or "UNKNOWN",
        order_id=_text(raw.get("order_id")) or None,
        creator_user_id=_text(creator.get("user_id")),
        creator_handle=_text(creator.get("username")).lstrip("@"),
        creator_nickname=_text(creator.get("nickname")),
        product_id=_text(product.get("id")),
        product_title=_text(product.get("title")),
        sku_id=_text(product.get("sku_id")),
        sku_name=_text(product.get("sku_name")),
        approve_by=_time(raw.get("approve_expiration_time")),
        ship_by=_time(raw.get("shipment_expiration_time")),
        fulfillment_status=_text(raw.get("fulfillment_status")),
        tracking_number=_text(raw.get("tracking_number")),
        raw=raw,
    )


# --- combining parcels --------------------------------------------------------

#: Samples for one creator and one address approved this close together are
#: offered as one parcel, unless a setting says otherwise.
DEFAULT_COMBINE_WINDOW: Final = timedelta(hours=48)


@dataclass(frozen=True, slots=True)
class Parcelable:
    """A sample still to ship, as the combining rule sees it."""

    shipment_id: int
    creator: str
    address: str
    postal_code: str
    ordered_at: datetime


@dataclass(frozen=True, slots=True)
class CombineGroup:
    """Samples that may travel in one box: same creator, same address, close in time.

    ``key`` names the group the same way however often it is worked out: the
    creator, the postal code and the first shipment's id.
    """

    key: str
    creator: str
    address: str
    shipment_ids: tuple[int, ...]


def address_key(address: str, postal_code: str) -> tuple[str, str]:
    """What "the same address" compares: the text exactly, only ends trimmed.

    Nothing is normalised on purpose: "Unit 12" and "Unit 13" are different
    doors, and one wrong character can be a different door too. A clerk who
    knows two spellings are one place can still choose "same parcel" by hand.
    """
    return address.strip(), postal_code.strip()


def combine_groups(
    samples: Iterable[Parcelable], window: timedelta = DEFAULT_COMBINE_WINDOW
) -> list[CombineGroup]:
    """Groups of two or more samples that can share one parcel.

    Samples of one creator at one address are sorted by time; a group runs
    while each sample lies within ``window`` of the group's first one.
    """
    buckets: dict[tuple[str, str, str], list[Parcelable]] = {}
    for sample in samples:
        creator = sample.creator.strip().lstrip("@").casefold()
        if not creator or not sample.address.strip():
            continue
        street, postal = address_key(sample.address, sample.postal_code)
        buckets.setdefault((creator, street, postal), []).append(sample)

    groups: list[CombineGroup] = []
    for (creator, street, postal), members in buckets.items():
        members.sort(key=lambda s: (s.ordered_at, s.shipment_id))
        run: list[Parcelable] = []
        for sample in members:
            if run and sample.ordered_at - run[0].ordered_at > window:
                groups.extend(_group(run, creator, street, postal))
                run = []
            run.append(sample)
        groups.extend(_group(run, creator, street, postal))
    groups.sort(key=lambda g: g.shipment_ids[0])
    return groups


def _group(
    run: list[Parcelable], creator: str, street: str, postal: str
) -> list[CombineGroup]:
    if len(run) < 2:
        return []
    ids = tuple(sample.shipment_id for sample in run)
    return [CombineGroup(f"{creator}|{postal}|{ids[0]}", creator, street, ids)]
