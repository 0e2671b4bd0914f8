"""the report's own words: who operates an online listing and where it is based, and the
sentences of a report's Positive Developments section; stored online listings get the curated
operators (their excerpts' words first)

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("operator", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("based_in", sa.Text(), nullable=True))
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("positive", sa.JSON(), nullable=True))
    _fill_operators()


def _fill_operators() -> None:
    from tracker.owners import owner_of

    listings = sa.table(
        "listings",
        sa.column("id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("name", sa.Text()),
        sa.column("domains", sa.JSON()),
        sa.column("excerpt", sa.Text()),
        sa.column("operator", sa.Text()),
        sa.column("based_in", sa.Text()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(listings.c.id, listings.c.name, listings.c.domains, listings.c.excerpt).where(
            listings.c.kind == "online"
        )
    ).all()
    for row in rows:
        owner = owner_of(row.name, tuple(row.domains or ()), row.excerpt or "")
        if owner.operator or owner.based_in:
            bind.execute(
                listings.update()
                .where(listings.c.id == row.id)
                .values(operator=owner.operator, based_in=owner.based_in)
            )


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("positive")
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_column("based_in")
        batch_op.drop_column("operator")
