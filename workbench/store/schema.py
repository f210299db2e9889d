"""Every table of a project, in one module (SQLAlchemy Core 2).

The migrations in store/migrations build exactly this schema; tests/integration/test_migrations.py
proves they agree, so the two cannot drift the way pasted CREATE TABLEs do.
Integer keys join fast; every entity also has a stable `uuid` that exports and merges match on.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
)

metadata = MetaData()


def _uuid() -> Column:
    return Column("uuid", String(36), nullable=False, unique=True)


setting = Table(
    "setting", metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

theme = Table(
    "theme", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("name", Text, nullable=False, unique=True),
    Column("position", Integer, nullable=False, default=0),
)

subtheme = Table(
    "subtheme", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("name", Text, nullable=False, unique=True),
    Column("theme_id", Integer, ForeignKey("theme.id"), nullable=True),
    Column("position", Integer, nullable=False, default=0),
    Column("definition", Text, nullable=False, default=""),
    Column("include", Text, nullable=False, default=""),
    Column("exclude", Text, nullable=False, default=""),
    Column("example", Text, nullable=False, default=""),
    Column("origin", Text, nullable=False, default=""),
)

valence = Table(
    "valence", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("name", Text, nullable=False, unique=True),
    Column("position", Integer, nullable=False, default=0),
)

perspective = Table(
    "perspective", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("name", Text, nullable=False, unique=True),
    Column("position", Integer, nullable=False, default=0),
    Column("mixed", Boolean, nullable=False, default=False),
    Column("synonyms", Text, nullable=False, default=""),
)

source = Table(
    "source", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("ref", Text, nullable=False, unique=True),
    Column("citation", Text, nullable=False, default=""),
    Column("year", Text, nullable=False, default=""),
    Column("design", Text, nullable=False, default=""),
    Column("quality", Text, nullable=False, default=""),
    Column("groups", Text, nullable=False, default=""),
    Column("doi", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False, default=0),
)

document = Table(
    "document", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("source_id", Integer, ForeignKey("source.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("time", String(40), nullable=False),
)

excerpt = Table(
    "excerpt", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("key", Text, nullable=False, unique=True),
    Column("source_id", Integer, ForeignKey("source.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("perspective", Text, nullable=False, default=""),
    Column("location", Text, nullable=False, default=""),
    Column("document_id", Integer, ForeignKey("document.id"), nullable=True),
    Column("start", Integer, nullable=True),
    Column("end", Integer, nullable=True),
    Column("position", Integer, nullable=False, default=0),
)

coder = Table(
    "coder", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("name", Text, nullable=False, unique=True),
)

coding = Table(
    "coding", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("excerpt_id", Integer, ForeignKey("excerpt.id"), nullable=False),
    Column("subtheme_id", Integer, ForeignKey("subtheme.id"), nullable=False),
    Column("coder_id", Integer, ForeignKey("coder.id"), nullable=False),
    Column("valence_id", Integer, ForeignKey("valence.id"), nullable=True),
    Column("perspective_id", Integer, ForeignKey("perspective.id"), nullable=True),
    Column("start", Integer, nullable=True),
    Column("end", Integer, nullable=True),
    Column("note", Text, nullable=False, default=""),
    Column("origin", Text, nullable=False, default=""),
    Column("time", String(40), nullable=False),
)
# A coding is unique on its natural key; NULLs are folded so that re-importing a row is a no-op.
Index(
    "ux_coding_natural", coding.c.excerpt_id, coding.c.subtheme_id, coding.c.coder_id,
    func.coalesce(coding.c.valence_id, 0), func.coalesce(coding.c.perspective_id, 0),
    func.coalesce(coding.c.start, -1), func.coalesce(coding.c.end, -1), unique=True,
)
# Covering index for the cell derivation (subtheme × valence × perspective × source).
Index("ix_coding_cell", coding.c.coder_id, coding.c.subtheme_id, coding.c.valence_id,
      coding.c.perspective_id, coding.c.excerpt_id)
Index("ix_coding_excerpt", coding.c.excerpt_id, coding.c.coder_id)

nothing_applies = Table(
    "nothing_applies", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("excerpt_id", Integer, ForeignKey("excerpt.id"), nullable=False),
    Column("coder_id", Integer, ForeignKey("coder.id"), nullable=False),
    Column("time", String(40), nullable=False),
    Index("ux_nothing_applies", "excerpt_id", "coder_id", unique=True),
)

summary = Table(
    "summary", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("subtheme_id", Integer, ForeignKey("subtheme.id"), nullable=False),
    Column("valence_id", Integer, ForeignKey("valence.id"), nullable=True),
    Column("perspective_id", Integer, ForeignKey("perspective.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", Text, nullable=False, default=""),
    Column("time", String(40), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    # The cell's reference list when the summary was last written: a differing list marks it stale.
    Column("references", Text, nullable=False, default=""),
)
Index("ux_summary_cell", summary.c.subtheme_id, func.coalesce(summary.c.valence_id, 0),
      summary.c.perspective_id, unique=True)

memo = Table(
    "memo", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("target_kind", String(20), nullable=False),
    Column("target_uuid", String(36), nullable=False, index=True),
    Column("author", Text, nullable=False, default=""),
    Column("text", Text, nullable=False),
    Column("time", String(40), nullable=False),
)

included_study = Table(
    "included_study", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("source.id"), nullable=False),
    Column("study", Text, nullable=False),
    Index("ux_included_study", "source_id", "study", unique=True),
)

judgement = Table(
    "judgement", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("subtheme_id", Integer, ForeignKey("subtheme.id"), nullable=False),
    Column("valence_id", Integer, ForeignKey("valence.id"), nullable=True),
    Column("component", String(40), nullable=False),
    Column("judgement", Text, nullable=False, default=""),
    Column("explanation", Text, nullable=False, default=""),
    Column("author", Text, nullable=False, default=""),
    Column("time", String(40), nullable=False),
)
Index("ux_judgement", judgement.c.subtheme_id, func.coalesce(judgement.c.valence_id, 0),
      judgement.c.component, unique=True)

decision = Table(
    "decision", metadata,
    Column("id", Integer, primary_key=True),
    _uuid(),
    Column("excerpt_id", Integer, ForeignKey("excerpt.id"), nullable=False),
    Column("subtheme_id", Integer, ForeignKey("subtheme.id"), nullable=True),
    Column("status", String(20), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("actor", Text, nullable=False, default=""),
    Column("time", String(40), nullable=False),
)

excerpt_nlp = Table(
    "excerpt_nlp", metadata,
    Column("excerpt_id", Integer, ForeignKey("excerpt.id"), primary_key=True),
    Column("perspectives", Text, nullable=False, default=""),
    Column("citations", Text, nullable=False, default=""),
    Column("pipeline", String(40), nullable=False, default=""),
)

audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True),
    Column("time", String(40), nullable=False),
    Column("actor", Text, nullable=False, default=""),
    Column("action", String(60), nullable=False),
    Column("entity", String(40), nullable=False, default=""),
    Column("entity_uuid", String(36), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
)
