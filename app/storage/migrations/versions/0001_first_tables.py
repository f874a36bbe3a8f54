"""first tables: shipments, catalog, mappings, fulfilments, outbox, audit

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(), nullable=False),
        sa.Column("station", sa.String(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=80), nullable=False),
        sa.Column("old_value", sa.String(), nullable=True),
        sa.Column("new_value", sa.String(), nullable=True),
        sa.Column("detail", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)

    op.create_table(
        "catalog_variant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=100), nullable=False),
        sa.Column("sku_folded", sa.String(length=100), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("barcode", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("product_title", sa.String(), nullable=False),
        sa.Column("variant_title", sa.String(), nullable=False),
        sa.Column(
            "shopify_variant_id",
            sa.String(length=80),
            nullable=True,
        ),
        sa.Column(
            "inventory_item_id",
            sa.String(length=80),
            nullable=True,
        ),
        sa.Column("available", sa.Integer(), nullable=True),
        sa.Column("unit_cost", sa.String(length=20), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sku"),
    )
    with op.batch_alter_table("catalog_variant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalog_variant_gtin"), ["gtin"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_catalog_variant_sku_folded"), ["sku_folded"], unique=False
        )

    op.create_table(
        "shipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column(
            "platform_status",
            sa.String(length=40),
            nullable=False,
        ),
        sa.Column("on_hold", sa.Boolean(), nullable=False),
        sa.Column("ship_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remote_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient_name", sa.String(), nullable=False),
        sa.Column("recipient_address", sa.String(), nullable=False),
        sa.Column("postal_code", sa.String(length=20), nullable=False),
        sa.Column("region_code", sa.String(length=8), nullable=False),
        sa.Column("buyer_message", sa.String(), nullable=False),
        sa.Column("item_summary", sa.String(), nullable=False),
        sa.Column("sku_summary", sa.String(), nullable=False),
        sa.Column(
            "tracking_number",
            sa.String(length=64),
            nullable=True,
        ),
        sa.Column("carrier", sa.String(length=64), nullable=True),
        sa.Column("problem", sa.String(), nullable=False),
        sa.Column("search_text", sa.String(), nullable=False),
        sa.Column(
            "shopify_order_id",
            sa.String(length=80),
            nullable=True,
        ),
        sa.Column("raw_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "order_id", name="uq_shipment_order"),
    )
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_kind"), ["kind"], unique=False)
        batch_op.create_index(
            "ix_shipment_queue",
            ["ship_by", "id", "state", "kind", "search_text"],
            unique=False,
        )

    op.create_table(
        "sku_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("sku_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("station", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "product_id", "sku_id", name="uq_mapping_key"),
    )
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "fulfilment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column(
            "tracking_number",
            sa.String(length=64),
            nullable=False,
        ),
        sa.Column("raw_scan", sa.String(), nullable=False),
        sa.Column(
            "destination_zip",
            sa.String(length=20),
            nullable=True,
        ),
        sa.Column("same_parcel_as", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("station", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["same_parcel_as"],
            ["shipment.id"],
        ),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shipment_id"),
    )
    with op.batch_alter_table("fulfilment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fulfilment_tracking_number"),
            ["tracking_number"],
            unique=False,
        )

    op.create_table(
        "outbox_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "idempotency_key",
            sa.String(length=64),
            nullable=False,
        ),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    with op.batch_alter_table("outbox_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_entry_shipment_id"), ["shipment_id"], unique=False
        )
        batch_op.create_index(
            "ix_outbox_status_due", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "shipment_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("sku_id", sa.String(length=64), nullable=False),
        sa.Column("seller_sku", sa.String(), nullable=False),
        sa.Column("product_name", sa.String(), nullable=False),
        sa.Column("sku_name", sa.String(), nullable=False),
        sa.Column("matched_sku", sa.String(length=100), nullable=True),
        sa.Column("packed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shipment_id", "line_id", name="uq_line_per_shipment"),
    )
    with op.batch_alter_table("shipment_line", schema=None) as batch_op:
        batch_op.create_index(
            "ix_line_key", ["platform", "product_id", "sku_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_shipment_line_shipment_id"), ["shipment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("shipment_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_line_shipment_id"))
        batch_op.drop_index("ix_line_key")

    op.drop_table("shipment_line")
    with op.batch_alter_table("outbox_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_due")
        batch_op.drop_index(batch_op.f("ix_outbox_entry_shipment_id"))

    op.drop_table("outbox_entry")
    with op.batch_alter_table("fulfilment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fulfilment_tracking_number"))

    op.drop_table("fulfilment")
    op.drop_table("sync_state")
    op.drop_table("sku_mapping")
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.drop_index("ix_shipment_queue")
        batch_op.drop_index(batch_op.f("ix_shipment_kind"))

    op.drop_table("shipment")
    with op.batch_alter_table("catalog_variant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_variant_sku_folded"))
        batch_op.drop_index(batch_op.f("ix_catalog_variant_gtin"))

    op.drop_table("catalog_variant")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_at"))
        batch_op.drop_index("ix_audit_entity")

    op.drop_table("audit_entry")
