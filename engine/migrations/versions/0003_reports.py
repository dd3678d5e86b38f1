"""reports: deals, their stage history and stage times, stage bits, automation runs, settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

The tables of the reports module (``reports/models.py``, its own metadata). The deals' indexes
each lead with what a report groups by and cover what it reads: see ``reports/queries``.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    _deals()
    _history_and_times()
    op.create_table('deal_stage_bits',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('bit', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_deal_stage_bits')),
    sa.UniqueConstraint('bit', name=op.f('uq_deal_stage_bits_bit'))
    )
    op.create_table('deal_automation_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('stage', sa.String(length=64), nullable=False),
    sa.Column('process_key', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('instance_id', sa.String(length=36), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('error_fields', JSON, nullable=True),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_deal_automation_runs_deal_id_deals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['deal_stage_history.id'], name=op.f('fk_deal_automation_runs_entry_id_deal_stage_history'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal_automation_runs')),
    sa.UniqueConstraint('entry_id', 'rule_id', name='uq_deal_automation_runs_entry_rule')
    )
    op.create_index(op.f('ix_deal_automation_runs_deal_id'), 'deal_automation_runs', ['deal_id'])
    op.create_index(op.f('ix_deal_automation_runs_at'), 'deal_automation_runs', ['at'])
    op.create_table('reports_settings',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', JSON, nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_reports_settings'))
    )


def _deals() -> None:
    op.create_table('deals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('stage', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=True),
    sa.Column('manager', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('passed_mask', sa.BigInteger(), nullable=False),
    sa.Column('left_mask', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deals')),
    sa.UniqueConstraint('external_id', name=op.f('uq_deals_external_id'))
    )
    op.create_index('ix_deals_funnel', 'deals', ['stage', 'passed_mask', 'left_mask', 'created_at', 'source', 'manager'])
    op.create_index('ix_deals_source', 'deals', ['source', 'created_at', 'stage', 'passed_mask', 'manager'])
    op.create_index('ix_deals_manager', 'deals', ['manager', 'created_at', 'stage', 'passed_mask', 'source'])
    op.create_index('ix_deals_created_at', 'deals', ['created_at'])


def _history_and_times() -> None:
    op.create_table('deal_stage_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=64), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_deal_stage_history_deal_id_deals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal_stage_history')),
    sa.UniqueConstraint('deal_id', 'entered_at', 'stage', name='uq_deal_stage_history_entry')
    )
    op.create_table('deal_stage_times',
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=64), nullable=False),
    sa.Column('seconds', sa.BigInteger(), nullable=False),
    sa.Column('deal_created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=True),
    sa.Column('manager', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_deal_stage_times_deal_id_deals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('deal_id', 'stage', name=op.f('pk_deal_stage_times'))
    )
    op.create_index('ix_deal_stage_times_median', 'deal_stage_times', ['stage', 'seconds', 'deal_created_at', 'source', 'manager'])


def downgrade() -> None:
    op.drop_table('reports_settings')
    op.drop_table('deal_automation_runs')
    op.drop_table('deal_stage_bits')
    op.drop_table('deal_stage_times')
    op.drop_table('deal_stage_history')
    op.drop_table('deals')
