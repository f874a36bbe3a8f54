"""samples: creators' free-sample applications from TikTok Affiliate

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sample_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("shipment_id", sa.Integer(), nullable=True),
        sa.Column("creator_user_id", sa.String(length=64), nullable=False),
        sa.Column("creator_handle", sa.String(length=100), nullable=False),
        sa.Column("creator_nickname", sa.String(), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("product_title", sa.String(), nullable=False),
        sa.Column("sku_id", sa.String(length=64), nullable=False),
        sa.Column("sku_name", sa.String(), nullable=False),
        sa.Column("seller_sku", sa.String(length=100), nullable=False),
        sa.Column("approve_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ship_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fulfillment_status", sa.String(length=40), nullable=False),
        sa.Column("tracking_number", sa.String(length=64), nullable=False),
        sa.Column("raw_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipment.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id"),
    )
    with op.batch_alter_table("sample_application", schema=None) as batch_op:
        for column in ("creator_handle", "order_id", "shipment_id", "status"):
            batch_op.create_index(
                batch_op.f(f"ix_sample_application_{column}"), [column], unique=False
            )


def downgrade() -> None:
    with op.batch_alter_table("sample_application", schema=None) as batch_op:
        for column in ("status", "shipment_id", "order_id", "creator_handle"):
            batch_op.drop_index(batch_op.f(f"ix_sample_application_{column}"))
    op.drop_table("sample_application")
