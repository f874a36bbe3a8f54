"""campaigns: giveaway budgets, their product ids, and their Shopify stock moves

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sku", sa.String(length=100), nullable=False),
        sa.Column("budget_units", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("location_id", sa.String(length=80), nullable=False),
        sa.Column("live_ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("uid"),
    )
    op.create_table(
        "campaign_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "product_id", name="uq_campaign_product"),
    )
    with op.batch_alter_table("campaign_product", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_product_campaign_id"), ["campaign_id"], unique=False
        )
    op.create_table(
        "campaign_effect",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(), nullable=False),
        sa.Column("attempt_json", sa.Text(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipment.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    with op.batch_alter_table("campaign_effect", schema=None) as batch_op:
        batch_op.create_index(
            "ix_campaign_effect_status_due",
            ["status", "next_attempt_at"],
            unique=False,
        )
        for column in ("campaign_id", "shipment_id"):
            batch_op.create_index(
                batch_op.f(f"ix_campaign_effect_{column}"), [column], unique=False
            )


def downgrade() -> None:
    with op.batch_alter_table("campaign_effect", schema=None) as batch_op:
        for column in ("shipment_id", "campaign_id"):
            batch_op.drop_index(batch_op.f(f"ix_campaign_effect_{column}"))
        batch_op.drop_index("ix_campaign_effect_status_due")
    op.drop_table("campaign_effect")
    with op.batch_alter_table("campaign_product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_product_campaign_id"))
    op.drop_table("campaign_product")
    op.drop_table("campaign")
