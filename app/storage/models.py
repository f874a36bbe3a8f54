"""The tables of the local cache.

Every change to these classes comes with an Alembic revision in
``app/storage/migrations/versions``; a test compares the two so they never drift.
Times are stored in UTC and come back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always written and read as UTC.

    SQLite has no time zone type and hands back naive values; without this a
    deadline read back from disk could not be compared with ``datetime.now(UTC)``.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Any
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(
        self, value: datetime | None, dialect: Any
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_now() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def _utc(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class Shipment(SQLModel, table=True):
    """A giveaway order or a sample: one parcel the bench has to send."""

    __tablename__ = "shipment"
    __table_args__ = (
        sa.UniqueConstraint("platform", "order_id", name="uq_shipment_order"),
        # The queue's index: walked in deadline order, it answers a search
        # without touching the table (it covers every column the query reads).
        sa.Index("ix_shipment_queue", "ship_by", "id", "state", "kind", "search_text"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(default="tiktok", max_length=20)
    order_id: str = Field(max_length=64)
    kind: str = Field(max_length=20, index=True)
    state: str = Field(max_length=20)
    platform_status: str = Field(max_length=40)
    on_hold: bool = False
    ship_by: datetime | None = _utc(default=None)
    ordered_at: datetime = _utc()
    remote_updated_at: datetime = _utc()
    recipient_name: str = ""
    recipient_address: str = ""
    postal_code: str = Field(default="", max_length=20)
    region_code: str = Field(default="", max_length=8)
    buyer_message: str = ""
    item_summary: str = ""
    sku_summary: str = ""
    tracking_number: str | None = Field(default=None, max_length=64)
    carrier: str | None = Field(default=None, max_length=64)
    problem: str = ""
    search_text: str = ""
    shopify_order_id: str | None = Field(default=None, max_length=80)
    raw_json: str = Field(default="{}", sa_type=sa.Text)
    updated_at: datetime = _utc(default_factory=utc_now)


class ShipmentLine(SQLModel, table=True):
    """One unit in a shipment: a TikTok line item and the SKU it was matched to."""

    __tablename__ = "shipment_line"
    __table_args__ = (
        sa.UniqueConstraint("shipment_id", "line_id", name="uq_line_per_shipment"),
        sa.Index("ix_line_key", "platform", "product_id", "sku_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id", index=True, ondelete="CASCADE")
    line_id: str = Field(max_length=64)
    platform: str = Field(default="tiktok", max_length=20)
    product_id: str = Field(max_length=64)
    sku_id: str = Field(max_length=64)
    seller_sku: str = ""
    product_name: str = ""
    sku_name: str = ""
    matched_sku: str | None = Field(default=None, max_length=100)
    packed: bool = False


class CatalogVariant(SQLModel, table=True):
    """A real, sellable SKU from the merchant's catalog (Shopify)."""

    __tablename__ = "catalog_variant"

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(max_length=100, unique=True)
    sku_folded: str = Field(max_length=100, index=True)
    gtin: str | None = Field(default=None, max_length=14, index=True)
    barcode: str | None = Field(default=None, max_length=64)
    title: str
    product_title: str = ""
    variant_title: str = ""
    shopify_variant_id: str | None = Field(default=None, max_length=80)
    inventory_item_id: str | None = Field(default=None, max_length=80)
    available: int | None = None
    unit_cost: str | None = Field(default=None, max_length=20)
    updated_at: datetime = _utc(default_factory=utc_now)


class SkuMapping(SQLModel, table=True):
    """A marketplace key tied to one catalog SKU; one row per key, ever."""

    __tablename__ = "sku_mapping"
    __table_args__ = (
        sa.UniqueConstraint("platform", "product_id", "sku_id", name="uq_mapping_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    product_id: str = Field(max_length=64)
    sku_id: str = Field(max_length=64)
    sku: str = Field(max_length=100)
    created_at: datetime = _utc(default_factory=utc_now)
    created_by: str = ""
    station: str = ""


class Fulfilment(SQLModel, table=True):
    """The parcel as it left the bench: carrier and tracking number."""

    __tablename__ = "fulfilment"

    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id", unique=True, ondelete="CASCADE")
    carrier: str = Field(max_length=64)
    tracking_number: str = Field(max_length=64, index=True)
    raw_scan: str = ""
    destination_zip: str | None = Field(default=None, max_length=20)
    same_parcel_as: int | None = Field(default=None, foreign_key="shipment.id")
    created_at: datetime = _utc(default_factory=utc_now)
    created_by: str = ""
    station: str = ""


class OutboxEntry(SQLModel, table=True):
    """A remote effect still to happen, once: ship in TikTok, fulfil in Shopify...

    ``idempotency_key`` is made when the entry is written and never changes, so a
    retry after a crash or a lost response is recognisable as the same effect.
    ``sequence`` orders the entries of one shipment.
    """

    __tablename__ = "outbox_entry"
    __table_args__ = (sa.Index("ix_outbox_status_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=64, unique=True)
    shipment_id: int = Field(foreign_key="shipment.id", index=True, ondelete="CASCADE")
    action: str = Field(max_length=40)
    sequence: int = 0
    payload_json: str = Field(default="{}", sa_type=sa.Text)
    status: str = Field(default="pending", max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = _utc(default_factory=utc_now)
    last_error: str = ""
    #: The Shopify stock attempt last sent for this entry (JSON), kept so a
    #: retry after a crash resends exactly that request.
    attempt_json: str = Field(
        default="", sa_type=sa.Text, sa_column_kwargs={"server_default": ""}
    )
    #: When a sync worker marked the entry in flight; an old claim means the
    #: worker died mid-call and the entry must be read back before a retry.
    claimed_at: datetime | None = _utc(default=None)
    #: Which worker holds the claim ("station|process id|engine").
    claimed_by: str = Field(
        default="", max_length=120, sa_column_kwargs={"server_default": ""}
    )
    created_at: datetime = _utc(default_factory=utc_now)
    updated_at: datetime = _utc(default_factory=utc_now)


class AuditEntry(SQLModel, table=True):
    """Who did what, where and when, with the old and new value."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc(default_factory=utc_now, index=True)
    user: str = ""
    station: str = ""
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=80)
    old_value: str | None = None
    new_value: str | None = None
    detail: str = ""


class SyncState(SQLModel, table=True):
    """Small named values the sync keeps between runs (cursors, last pull times)."""

    __tablename__ = "sync_state"

    key: str = Field(primary_key=True, max_length=80)
    value: str = ""
    updated_at: datetime = _utc(default_factory=utc_now)


class SampleApplication(SQLModel, table=True):
    """A creator's free-sample request from TikTok Affiliate, and where it went.

    ``order_id`` is the sample order TikTok made on approval (if any);
    ``shipment_id`` is the bench shipment that sends it: the imported sample
    order, or a shipment entered by hand when there is no order.
    """

    __tablename__ = "sample_application"

    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(max_length=64, unique=True)
    status: str = Field(max_length=40, index=True)
    order_id: str | None = Field(default=None, max_length=64, index=True)
    shipment_id: int | None = Field(
        default=None, foreign_key="shipment.id", index=True, ondelete="SET NULL"
    )
    creator_user_id: str = Field(default="", max_length=64)
    creator_handle: str = Field(default="", max_length=100, index=True)
    creator_nickname: str = ""
    product_id: str = Field(default="", max_length=64)
    product_title: str = ""
    sku_id: str = Field(default="", max_length=64)
    sku_name: str = ""
    seller_sku: str = Field(default="", max_length=100)
    approve_by: datetime | None = _utc(default=None)
    ship_by: datetime | None = _utc(default=None)
    fulfillment_status: str = Field(default="", max_length=40)
    tracking_number: str = Field(default="", max_length=64)
    raw_json: str = Field(default="{}", sa_type=sa.Text)
    updated_at: datetime = _utc(default_factory=utc_now)


class Campaign(SQLModel, table=True):
    """A LIVE giveaway run as a budget of units taken from one real SKU.

    ``uid`` is made once and never changes: the keys of the campaign's remote
    effects derive from it, so a fresh database can never repeat an old key.
    """

    __tablename__ = "campaign"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=100, unique=True)
    sku: str = Field(max_length=100)
    budget_units: int
    state: str = Field(default="draft", max_length=20)
    location_id: str = Field(default="", max_length=80)
    live_ended_at: datetime | None = _utc(default=None)
    opened_at: datetime | None = _utc(default=None)
    closed_at: datetime | None = _utc(default=None)
    created_by: str = ""
    created_at: datetime = _utc(default_factory=utc_now)


class CampaignProduct(SQLModel, table=True):
    """A giveaway product id (TikTok's duplicate listing) that belongs to a campaign."""

    __tablename__ = "campaign_product"
    __table_args__ = (
        sa.UniqueConstraint("platform", "product_id", name="uq_campaign_product"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    platform: str = Field(default="tiktok", max_length=20)
    product_id: str = Field(max_length=64)


class CampaignEffect(SQLModel, table=True):
    """A campaign's stock move still to happen in Shopify, once (its own outbox).

    Entries of one campaign run in ``id`` order: reserve, consumptions, release.
    """

    __tablename__ = "campaign_effect"
    __table_args__ = (
        sa.Index("ix_campaign_effect_status_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=64, unique=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    shipment_id: int | None = Field(
        default=None, foreign_key="shipment.id", index=True, ondelete="SET NULL"
    )
    action: str = Field(max_length=40)
    quantity: int
    status: str = Field(default="pending", max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = _utc(default_factory=utc_now)
    last_error: str = ""
    attempt_json: str = Field(default="", sa_type=sa.Text)
    claimed_at: datetime | None = _utc(default=None)
    created_at: datetime = _utc(default_factory=utc_now)
    updated_at: datetime = _utc(default_factory=utc_now)
