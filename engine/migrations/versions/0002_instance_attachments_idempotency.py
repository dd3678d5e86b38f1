"""attachments of instances and idempotent requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('idempotent_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('body', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotent_requests')),
    sa.UniqueConstraint('username', 'key', name='uq_idempotent_requests_user_key')
    )
    op.create_table('instance_attachments',
    sa.Column('instance_id', sa.String(length=36), nullable=False),
    sa.Column('attachment_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_instance_attachments_attachment_id_attachments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name=op.f('fk_instance_attachments_instance_id_process_instances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('instance_id', 'attachment_id', name=op.f('pk_instance_attachments'))
    )
    with op.batch_alter_table('instance_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instance_attachments_attachment_id'), ['attachment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('instance_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instance_attachments_attachment_id'))

    op.drop_table('instance_attachments')
    op.drop_table('idempotent_requests')
