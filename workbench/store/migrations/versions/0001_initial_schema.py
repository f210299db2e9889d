"""initial schema

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('time', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.Text(), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_uuid', sa.String(length=36), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('coder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    sa.UniqueConstraint('uuid')
    )
    op.create_table('memo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('target_kind', sa.String(length=20), nullable=False),
    sa.Column('target_uuid', sa.String(length=36), nullable=False),
    sa.Column('author', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('time', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uuid')
    )
    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memo_target_uuid'), ['target_uuid'], unique=False)

    op.create_table('perspective',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('mixed', sa.Boolean(), nullable=False),
    sa.Column('synonyms', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    sa.UniqueConstraint('uuid')
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('ref', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('year', sa.Text(), nullable=False),
    sa.Column('design', sa.Text(), nullable=False),
    sa.Column('quality', sa.Text(), nullable=False),
    sa.Column('groups', sa.Text(), nullable=False),
    sa.Column('doi', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ref'),
    sa.UniqueConstraint('uuid')
    )
    op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    sa.UniqueConstraint('uuid')
    )
    op.create_table('valence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    sa.UniqueConstraint('uuid')
    )
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('time', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uuid')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_source_id'), ['source_id'], unique=False)

    op.create_table('included_study',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('study', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('included_study', schema=None) as batch_op:
        batch_op.create_index('ux_included_study', ['source_id', 'study'], unique=True)

    op.create_table('subtheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('include', sa.Text(), nullable=False),
    sa.Column('exclude', sa.Text(), nullable=False),
    sa.Column('example', sa.Text(), nullable=False),
    sa.Column('origin', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    sa.UniqueConstraint('uuid')
    )
    op.create_table('excerpt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('perspective', sa.Text(), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key'),
    sa.UniqueConstraint('uuid')
    )
    with op.batch_alter_table('excerpt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_excerpt_source_id'), ['source_id'], unique=False)

    op.create_table('judgement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('subtheme_id', sa.Integer(), nullable=False),
    sa.Column('valence_id', sa.Integer(), nullable=True),
    sa.Column('component', sa.String(length=40), nullable=False),
    sa.Column('judgement', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('author', sa.Text(), nullable=False),
    sa.Column('time', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['subtheme_id'], ['subtheme.id'], ),
    sa.ForeignKeyConstraint(['valence_id'], ['valence.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uuid')
    )
    op.create_table('summary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('subtheme_id', sa.Integer(), nullable=False),
    sa.Column('valence_id', sa.Integer(), nullable=True),
    sa.Column('perspective_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.Text(), nullable=False),
    sa.Column('time', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('references', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['perspective_id'], ['perspective.id'], ),
    sa.ForeignKeyConstraint(['subtheme_id'], ['subtheme.id'], ),
    sa.ForeignKeyConstraint(['valence_id'], ['valence.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uuid')
    )
    op.create_table('coding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('excerpt_id', sa.Integer(), nullable=False),
    sa.Column('subtheme_id', sa.Integer(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('valence_id', sa.Integer(), nullable=True),
    sa.Column('perspective_id', sa.Integer(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('origin', sa.Text(), nullable=False),
    sa.Column('time', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], ),
    sa.ForeignKeyConstraint(['excerpt_id'], ['excerpt.id'], ),
    sa.ForeignKeyConstraint(['perspective_id'], ['perspective.id'], ),
    sa.ForeignKeyConstraint(['subtheme_id'], ['subtheme.id'], ),
    sa.ForeignKeyConstraint(['valence_id'], ['valence.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uuid')
    )
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.create_index('ix_coding_cell', ['coder_id', 'subtheme_id', 'valence_id', 'perspective_id', 'excerpt_id'], unique=False)
        batch_op.create_index('ix_coding_excerpt', ['excerpt_id', 'coder_id'], unique=False)

    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('excerpt_id', sa.Integer(), nullable=False),
    sa.Column('subtheme_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor', sa.Text(), nullable=False),
    sa.Column('time', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['excerpt_id'], ['excerpt.id'], ),
    sa.ForeignKeyConstraint(['subtheme_id'], ['subtheme.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uuid')
    )
    op.create_table('excerpt_nlp',
    sa.Column('excerpt_id', sa.Integer(), nullable=False),
    sa.Column('perspectives', sa.Text(), nullable=False),
    sa.Column('citations', sa.Text(), nullable=False),
    sa.Column('pipeline', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['excerpt_id'], ['excerpt.id'], ),
    sa.PrimaryKeyConstraint('excerpt_id')
    )
    op.create_table('nothing_applies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('excerpt_id', sa.Integer(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('time', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], ),
    sa.ForeignKeyConstraint(['excerpt_id'], ['excerpt.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uuid')
    )
    with op.batch_alter_table('nothing_applies', schema=None) as batch_op:
        batch_op.create_index('ux_nothing_applies', ['excerpt_id', 'coder_id'], unique=True)

    # Expression indexes (autogenerate cannot reflect them on SQLite): a coding's natural key with
    # NULLs folded, a summary's cell, a judgement's finding and component.
    op.execute('CREATE UNIQUE INDEX ux_coding_natural ON coding (excerpt_id, subtheme_id, coder_id, '
               'coalesce(valence_id, 0), coalesce(perspective_id, 0), coalesce(start, -1), coalesce("end", -1))')
    op.execute('CREATE UNIQUE INDEX ux_summary_cell ON summary (subtheme_id, coalesce(valence_id, 0), perspective_id)')
    op.execute('CREATE UNIQUE INDEX ux_judgement ON judgement (subtheme_id, coalesce(valence_id, 0), component)')


def downgrade() -> None:
    for name in ('ux_coding_natural', 'ux_summary_cell', 'ux_judgement'):
        op.execute(f'DROP INDEX IF EXISTS {name}')
    with op.batch_alter_table('nothing_applies', schema=None) as batch_op:
        batch_op.drop_index('ux_nothing_applies')

    op.drop_table('nothing_applies')
    op.drop_table('excerpt_nlp')
    op.drop_table('decision')
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.drop_index('ix_coding_excerpt')
        batch_op.drop_index('ix_coding_cell')

    op.drop_table('coding')
    op.drop_table('summary')
    op.drop_table('judgement')
    with op.batch_alter_table('excerpt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_excerpt_source_id'))

    op.drop_table('excerpt')
    op.drop_table('subtheme')
    with op.batch_alter_table('included_study', schema=None) as batch_op:
        batch_op.drop_index('ux_included_study')

    op.drop_table('included_study')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_source_id'))

    op.drop_table('document')
    op.drop_table('valence')
    op.drop_table('theme')
    op.drop_table('source')
    op.drop_table('setting')
    op.drop_table('perspective')
    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memo_target_uuid'))

    op.drop_table('memo')
    op.drop_table('coder')
    op.drop_table('audit')
