"""Sources, excerpts, coders and codings: bulk imports and single durable actions.

Imports validate every row against the project before the first write and then insert in one
transaction, so a file whose last row is bad changes nothing. A row already present (same natural
key) is skipped and counted; ids come from the file's `uuid` column where given, else a uuid5 of
the natural key, so two sites importing the same spreadsheet agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Insert, Table, and_, delete, func, insert, select

from workbench.core import gate
from workbench.core.errors import UserError
from workbench.core.ids import new_uuid, now, stable_uuid, uuid5_text
from workbench.core.model import Coding, Excerpt, Source
from workbench.store import schema as t
from workbench.store.core import ProjectCore, audit_detail, insert_id
from workbench.store.retry import retry_locked
from workbench.store.server_writes import coding_at_once, has_functions

Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportResult:
    added: int
    already: int

    def __str__(self) -> str:
        return f"{self.added} added, {self.already} already present"


def on_conflict_ignore(conn: Connection, table: Table) -> Insert:
    """An INSERT that skips rows the unique keys already hold, in either dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


_LOOKUP_TABLES = ((t.excerpt, "key"), (t.subtheme, "name"), (t.valence, "name"), (t.perspective, "name"),
                  (t.coder, "name"))


@contextmanager
def _bulk_cache(conn: Connection, rows: int) -> Iterator[None]:
    """A larger page cache while a big import writes its indexes (random uuids touch every page),
    back to what it was afterwards; the cache is memory only, so durability is unchanged."""
    if rows < 10_000:
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB, allocated only as pages are touched
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def coding_uuid(c: Coding) -> str:
    """The coding's uuid, else the uuid5 of its natural key (= stable_uuid("coding", …), built inline:
    an import derives one per row)."""
    if c.uuid:
        return c.uuid
    return uuid5_text("\x1f".join(("coding", c.excerpt, c.subtheme, c.coder, c.valence or "", c.perspective or "",
                                    "" if c.start is None else str(c.start), "" if c.end is None else str(c.end))))


class RecordStore:
    """`project.records`: the sources, excerpts, coders and codings researchers import and code."""

    def __init__(self, core: ProjectCore) -> None:
        self.core = core

    # ----- sources -------------------------------------------------------------------------
    def sources(self, conn: Connection | None = None) -> list[Source]:
        if conn is None:
            with self.core.read() as c:
                return self.sources(c)
        rows = conn.execute(select(t.source).order_by(t.source.c.position, t.source.c.id))
        return [Source(r.ref, r.citation, r.year, r.design, r.quality, r.groups, r.doi, r.uuid) for r in rows]

    def add_sources(self, rows: Sequence[tuple[int, Source]], actor: str = "", file: str = "") -> ImportResult:
        with self.core.write() as conn:
            known = self.core.ids(conn, t.source, "ref")
            citation = conn.execute(select(t.setting.c.value).where(t.setting.c.key == "citation")).scalar()
            seen: dict[str, int] = {}
            for line, s in rows:
                if s.ref in seen:
                    raise UserError(f"duplicate source ref '{s.ref}' (also row {seen[s.ref]})", file, line, "row")
                seen[s.ref] = line
                if citation in (None, "numeric") and not s.ref.isdigit() and s.ref not in known:
                    # Numeric citation sorts and prints refs as numbers: 'Walker 2013' would make the
                    # table fall back to text labels for every source, silently.
                    raise UserError(f"ref '{s.ref}' is not a number, but the codebook says 'citation: numeric' "
                                    "(use numbers, or 'citation: author-year')", file, line, "row")
            position = conn.execute(select(func.coalesce(func.max(t.source.c.position), 0))).scalar_one()
            new = [s for _, s in rows if s.ref not in known]
            gate.check_taken(((line, s.uuid or stable_uuid("source", s.ref), s.ref) for line, s in rows
                              if s.ref not in known), self._uuid_keys(conn, t.source, "ref"), file, "source")
            values = []
            for i, s in enumerate(new, start=1):
                values.append(dict(uuid=s.uuid or stable_uuid("source", s.ref), ref=s.ref, citation=s.citation,
                                   year=s.year, design=s.design, quality=s.quality, groups=s.groups,
                                   doi=s.doi, position=position + i))
            if values:
                conn.execute(insert(t.source), values)
            self.core.log(conn, actor, "import sources", "source", "", added=len(values), file=file)
            return ImportResult(len(values), len(rows) - len(values))

    @staticmethod
    def _uuid_keys(conn: Connection, table: Any, key: str) -> dict[str, Any]:
        """uuid → natural key of a table's rows (for the gate's `check_taken`)."""
        return {uuid: value for uuid, value in conn.execute(select(table.c.uuid, table.c[key]))}

    # ----- excerpts ------------------------------------------------------------------------
    def excerpts(self, conn: Connection | None = None) -> list[Excerpt]:
        if conn is None:
            with self.core.read() as c:
                return self.excerpts(c)
        q = (select(t.excerpt, t.source.c.ref).join(t.source, t.source.c.id == t.excerpt.c.source_id)
             .order_by(t.excerpt.c.position, t.excerpt.c.id))
        return [Excerpt(r.key, r.ref, r.text, r.perspective, r.location, r.uuid, r.start, r.end)
                for r in conn.execute(q)]

    def add_excerpts(self, rows: Sequence[tuple[int, Excerpt]], actor: str = "", file: str = "") -> ImportResult:
        with self.core.write() as conn:
            sources = self.core.ids(conn, t.source, "ref")
            known = self.core.ids(conn, t.excerpt, "key")
            perspectives = set(self.core.ids(conn, t.perspective))
            seen: dict[str, int] = {}
            for line, e in rows:
                if e.key in seen:
                    raise UserError(f"duplicate excerpt id '{e.key}' (also row {seen[e.key]})", file, line, "row")
                seen[e.key] = line
                if e.source not in sources:
                    raise UserError(f"unknown source '{e.source}'", file, line, "row")
                if e.perspective and e.perspective not in perspectives:
                    raise UserError(f"unknown perspective '{e.perspective}'", file, line, "row")
                if not e.text.strip():
                    raise UserError("empty excerpt text", file, line, "row")
            gate.check_taken(((line, e.uuid or stable_uuid("excerpt", e.key), e.key) for line, e in rows
                              if e.key not in known), self._uuid_keys(conn, t.excerpt, "key"), file, "excerpt")
            position = conn.execute(select(func.coalesce(func.max(t.excerpt.c.position), 0))).scalar_one()
            values = []
            for _, e in rows:
                if e.key in known:
                    continue
                position += 1
                values.append(dict(uuid=e.uuid or stable_uuid("excerpt", e.key), key=e.key,
                                   source_id=sources[e.source], text=e.text, perspective=e.perspective,
                                   location=e.location, start=e.start, end=e.end, position=position))
            if values:
                conn.execute(insert(t.excerpt), values)
            self.core.log(conn, actor, "import excerpts", "excerpt", "", added=len(values), file=file)
            return ImportResult(len(values), len(rows) - len(values))

    # ----- coders --------------------------------------------------------------------------
    def coders(self, conn: Connection | None = None) -> list[str]:
        if conn is None:
            with self.core.read() as c:
                return self.coders(c)
        return [r[0] for r in conn.execute(select(t.coder.c.name).order_by(t.coder.c.name))]

    def excerpt_hint(self, key: str) -> str:
        """The perspective the excerpt's text suggests ("" if none, or no such excerpt): one row,
        not the whole excerpt list (50,000 rows on a large project)."""
        with self.core.read() as conn:
            return conn.execute(select(t.excerpt.c.perspective).where(t.excerpt.c.key == key)).scalar() or ""

    def coder_id(self, conn: Connection, name: str) -> int:
        """The coder's id, registering a coder the first time they code."""
        found = conn.execute(select(t.coder.c.id).where(t.coder.c.name == name)).scalar()
        if found is not None:
            return found
        return insert_id(conn, insert(t.coder).values(uuid=stable_uuid("coder", name), name=name))

    # ----- codings -------------------------------------------------------------------------
    def codings(self, coders: Iterable[str] | None = None, conn: Connection | None = None) -> list[Coding]:
        if conn is None:
            with self.core.read() as c:
                return self.codings(coders, c)
        q = (select(t.coding, t.excerpt.c.key, t.subtheme.c.name.label("subtheme"),
                    t.coder.c.name.label("coder"), t.valence.c.name.label("valence"),
                    t.perspective.c.name.label("perspective"))
             .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
             .join(t.subtheme, t.subtheme.c.id == t.coding.c.subtheme_id)
             .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
             .outerjoin(t.valence, t.valence.c.id == t.coding.c.valence_id)
             .outerjoin(t.perspective, t.perspective.c.id == t.coding.c.perspective_id)
             .order_by(t.coding.c.id))
        if coders is not None:
            q = q.where(t.coder.c.name.in_(list(coders)))
        return [Coding(r.key, r.subtheme, r.coder, r.valence, r.perspective, r.start, r.end, r.note,
                       r.uuid, r.time, r.origin) for r in conn.execute(q)]

    # The columns of an imported coding, in the order _coding_values builds them.
    _CODING_COLUMNS = ("uuid", "excerpt_id", "subtheme_id", "coder_id", "valence_id", "perspective_id",
                       "start", "end", "note", "origin", "time")

    def _lookups(self, conn: Connection, rows: Sequence[tuple[int, Coding]]) -> tuple[dict[str, int], ...]:
        """name → id for what the rows name. A few rows (one coding from the app) look up only their own
        names in one statement; a file loads the whole tables once (50,000 excerpts take ~50 ms)."""
        if len(rows) > 20:
            return tuple(self.core.ids(conn, table, key) for table, key in _LOOKUP_TABLES)
        maps: tuple[dict[str, int], ...] = ({}, {}, {}, {}, {})
        for _, c in rows:
            names = (c.excerpt, c.subtheme, c.valence, c.perspective, c.coder)
            found = conn.execute(select(*(
                select(table.c.id).where(table.c[key] == name).scalar_subquery()
                for (table, key), name in zip(_LOOKUP_TABLES, names, strict=True)))).one()
            for m, name, i in zip(maps, names, found, strict=True):
                if i is not None and name is not None:
                    m[name] = i
        return maps

    def _coding_values(self, conn: Connection, rows: Sequence[tuple[int, Coding]], file: str,
                       progress: Progress | None = None) -> list[tuple[Any, ...]]:
        """Check every row against the project and turn it into a coding row (_CODING_COLUMNS order).

        The first unknown name raises UserError with the row number, before anything is written
        that the caller's transaction would not roll back. This loop is the Python cost of an
        import of 500,000 codings, so the common row takes the fewest steps.
        """
        excerpts, subthemes, valences, perspectives, coders = self._lookups(conn, rows)
        lengths: dict[int, int] = {}
        out: list[tuple[Any, ...]] = []
        append = out.append
        stamp = now()
        for n, (line, c) in enumerate(rows):
            e = excerpts.get(c.excerpt)
            if e is None:
                raise UserError(f"unknown excerpt '{c.excerpt}'", file, line, "row")
            s = subthemes.get(c.subtheme)
            if s is None:
                raise UserError(f"unknown subtheme '{c.subtheme}'", file, line, "row")
            v = valences.get(c.valence) if c.valence else None
            if v is None and c.valence:
                raise UserError(f"unknown valence '{c.valence}'", file, line, "row")
            p = perspectives.get(c.perspective) if c.perspective else None
            if p is None and c.perspective:
                raise UserError(f"unknown perspective '{c.perspective}'", file, line, "row")
            coder = coders.get(c.coder)
            if coder is None:
                if not c.coder:
                    raise UserError("empty coder", file, line, "row")
                # Registered inside the caller's transaction: a later bad row rolls this back too.
                coder = coders[c.coder] = self.coder_id(conn, c.coder)
            if c.start is not None or c.end is not None:
                self._check_span(conn, c, e, lengths, file, line)
            append((coding_uuid(c), e, s, coder, v, p, c.start, c.end, c.note, c.origin, c.time or stamp))
            if progress is not None and not n % 10_000:
                progress(n)
        return out

    @staticmethod
    def _check_span(conn: Connection, c: Coding, excerpt_id: int, lengths: dict[int, int], file: str,
                    line: int) -> None:
        if c.start is None or c.end is None:
            raise UserError("a span needs both start and end", file, line, "row")
        if excerpt_id not in lengths:
            lengths[excerpt_id] = conn.execute(
                select(func.length(t.excerpt.c.text)).where(t.excerpt.c.id == excerpt_id)).scalar_one()
        if not 0 <= c.start < c.end <= lengths[excerpt_id]:
            raise UserError(f"span {c.start}-{c.end} lies outside the excerpt's text", file, line, "row")

    def resolve_codings(self, conn: Connection, rows: Sequence[tuple[int, Coding]], file: str,
                         progress: Progress | None = None) -> list[dict[str, Any]]:
        """The checked rows as dicts for `insert(t.coding).values(**row)`."""
        return [dict(zip(self._CODING_COLUMNS, v, strict=True))
                for v in self._coding_values(conn, rows, file, progress)]

    def add_codings(self, rows: Sequence[tuple[int, Coding]], actor: str = "", file: str = "",
                    progress: Progress | None = None) -> ImportResult:
        """Import codings in one transaction; rows already present are skipped and counted.

        The database decides what is already there (the unique natural key and uuid, ON CONFLICT DO
        NOTHING), so a re-import and duplicate rows in one file cost no extra pass. On SQLite the
        rows go to the driver's executemany as tuples: SQLAlchemy's per-row parameter handling
        would cost more than the insert itself.
        """
        with self.core.write() as conn:
            values = self._coding_values(conn, rows, file, progress)
            added = 0
            chunk = 50_000
            if conn.dialect.name == "sqlite":
                columns = ", ".join(f'"{c}"' for c in self._CODING_COLUMNS)
                sql = (f"INSERT INTO coding ({columns}) VALUES ({', '.join('?' * len(self._CODING_COLUMNS))}) "
                       "ON CONFLICT DO NOTHING")
                with _bulk_cache(conn, len(values)):
                    for i in range(0, len(values), chunk):
                        added += max(conn.exec_driver_sql(sql, values[i:i + chunk]).rowcount, 0)
                        if progress is not None:
                            progress(len(rows) + i + chunk)
            else:
                stmt = on_conflict_ignore(conn, t.coding)
                for i in range(0, len(values), chunk):
                    batch = [dict(zip(self._CODING_COLUMNS, v, strict=True)) for v in values[i:i + chunk]]
                    added += max(conn.execution_options(preserve_rowcount=True).execute(stmt, batch).rowcount, 0)
                    if progress is not None:
                        progress(len(rows) + i + chunk)
            self.core.log(conn, actor, "import codings", "coding", "", added=added, file=file)
            return ImportResult(added, len(rows) - added)

    def add_coding(self, coding: Coding, actor: str | None = None) -> str:
        """Record one coding durably (one transaction, committed before this returns); its uuid.

        The hot path of coding in the app: one lookup, one insert (the unique natural key answers
        "already there?"), the audit entry, one commit. On a server that is two round trips: the
        lookup, then one statement for the insert, the "nothing applies" removal and the audit
        entry (`server_writes.coding_at_once`), each atomic by itself.
        """
        c = coding if coding.uuid else Coding(**{**coding.__dict__, "uuid": new_uuid()})
        detail = {"excerpt": c.excerpt, "subtheme": c.subtheme, "coder": c.coder, "valence": c.valence,
                  "perspective": c.perspective, "start": c.start, "end": c.end, "note": c.note}
        if not self.core.is_sqlite:
            with self.core.write(at_once=True) as conn:
                if has_functions(conn):
                    value = self.resolve_codings(conn, [(0, c)], "coding")[0]
                    stmt = coding_at_once(value, "code", value["uuid"], audit_detail(detail))
                    return value["uuid"] if conn.execute(stmt).one()[0] else self._same_coding(conn, value)
        with self.core.write() as conn:
            value = self.resolve_codings(conn, [(0, c)], "coding")[0]
            # preserve_rowcount: PostgreSQL reports -1 for an INSERT … RETURNING unless asked to count.
            inserted = conn.execution_options(preserve_rowcount=True).execute(
                on_conflict_ignore(conn, t.coding).values(**value)).rowcount
            if not inserted:
                return self._same_coding(conn, value)
            conn.execute(delete(t.nothing_applies).where(and_(
                t.nothing_applies.c.excerpt_id == value["excerpt_id"],
                t.nothing_applies.c.coder_id == value["coder_id"])))
            self.core.log(conn, actor or c.coder, "code", "coding", value["uuid"], **detail)
            return value["uuid"]

    @staticmethod
    def _same_coding(conn: Connection, value: dict[str, Any]) -> str:
        """The uuid of the coding already holding this natural key (a repeated coding is no error)."""
        existing = conn.execute(select(t.coding.c.uuid).where(and_(
            t.coding.c.excerpt_id == value["excerpt_id"], t.coding.c.subtheme_id == value["subtheme_id"],
            t.coding.c.coder_id == value["coder_id"],
            func.coalesce(t.coding.c.valence_id, 0) == (value["valence_id"] or 0),
            func.coalesce(t.coding.c.perspective_id, 0) == (value["perspective_id"] or 0),
            func.coalesce(t.coding.c.start, -1) == (-1 if value["start"] is None else value["start"]),
            func.coalesce(t.coding.c.end, -1) == (-1 if value["end"] is None else value["end"])))).scalar()
        if existing is None:
            raise UserError(f"another coding already has the uuid {value['uuid']}")
        return str(existing)

    def remove_coding(self, uuid: str, actor: str) -> Coding:
        """Delete one coding; the audit log keeps every field, so nothing coded is ever lost."""
        with self.core.write() as conn:
            row = conn.execute(select(t.coding.c.id).where(t.coding.c.uuid == uuid)).scalar()
            if row is None:
                raise UserError(f"no coding with uuid {uuid}")
            found = self.coding_by_id(conn, row)
            gone = conn.execute(delete(t.coding).where(t.coding.c.id == row)).rowcount
            if gone == 0:  # a server's row-level security hides others' codings from DELETE silently
                raise UserError(f"the server refused: you may not remove {found.coder}'s coding")
            self.core.log(conn, actor, "uncode", "coding", uuid, excerpt=found.excerpt,
                     subtheme=found.subtheme, coder=found.coder, valence=found.valence,
                     perspective=found.perspective, start=found.start, end=found.end, note=found.note,
                     time=found.time)
            return found

    def has_coding(self, uuid: str) -> bool:
        """Whether a coding with this uuid exists (the app asks before resending a removal)."""
        with self.core.read() as conn:
            return conn.execute(select(t.coding.c.id).where(t.coding.c.uuid == uuid)).first() is not None

    def coding_by_id(self, conn: Connection, row_id: int) -> Coding:
        """One coding by its row id, with names instead of ids (what an audit entry of a removal keeps)."""
        r = conn.execute(
            select(t.coding, t.excerpt.c.key, t.subtheme.c.name.label("subtheme"), t.coder.c.name.label("coder"),
                   t.valence.c.name.label("valence"), t.perspective.c.name.label("perspective"))
            .join(t.excerpt, t.excerpt.c.id == t.coding.c.excerpt_id)
            .join(t.subtheme, t.subtheme.c.id == t.coding.c.subtheme_id)
            .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
            .outerjoin(t.valence, t.valence.c.id == t.coding.c.valence_id)
            .outerjoin(t.perspective, t.perspective.c.id == t.coding.c.perspective_id)
            .where(t.coding.c.id == row_id)).one()
        return Coding(r.key, r.subtheme, r.coder, r.valence, r.perspective, r.start, r.end, r.note,
                      r.uuid, r.time, r.origin)

    def code_durably(self, coding: Coding, actor: str | None = None) -> str:
        """`add_coding` with retries on a locked database: returns only once the coding is committed."""
        return retry_locked(lambda: self.add_coding(coding, actor))

    # ----- "nothing applies" ---------------------------------------------------------------
    def mark_nothing_applies(self, excerpt_key: str, coder: str) -> None:
        """Reading an excerpt and finding no subtheme fits counts as coding it (agreement units)."""
        with self.core.write() as conn:
            e = conn.execute(select(t.excerpt.c.id).where(t.excerpt.c.key == excerpt_key)).scalar()
            if e is None:
                raise UserError(f"unknown excerpt '{excerpt_key}'")
            cid = self.coder_id(conn, coder)
            has = conn.execute(select(t.nothing_applies.c.id).where(and_(
                t.nothing_applies.c.excerpt_id == e, t.nothing_applies.c.coder_id == cid))).scalar()
            if has is None:
                uuid = stable_uuid("nothing_applies", excerpt_key, coder)
                conn.execute(insert(t.nothing_applies).values(uuid=uuid, excerpt_id=e, coder_id=cid, time=now()))
                self.core.log(conn, coder, "nothing applies", "excerpt", "", excerpt=excerpt_key)

    def nothing_applies(self) -> list[tuple[str, str]]:
        with self.core.read() as conn:
            q = (select(t.excerpt.c.key, t.coder.c.name).select_from(t.nothing_applies)
                 .join(t.excerpt, t.excerpt.c.id == t.nothing_applies.c.excerpt_id)
                 .join(t.coder, t.coder.c.id == t.nothing_applies.c.coder_id))
            return [(a, b) for a, b in conn.execute(q)]
