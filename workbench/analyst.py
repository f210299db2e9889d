"""The analyst's door: a read-only Python API that hands out pandas DataFrames and the networkx graph.

    import workbench
    with workbench.open("peer-support") as syn:        # a folder, or a postgresql:// URL
        syn.codings().groupby("theme", observed=True).size()

For the team member who scripts (Jupyter, a plotting script, their own statistics) without shelling
out to the CLI. Every method reads through the same coder-scoped view as the CLI
(`project.viewer(coder)`, store/viewer.py) and the same analyses, so a frame here and an export
there cannot disagree: `cells()` is `export table`, `matrix()` the matrix export, `graph()` the
GraphML. Theme, subtheme, valence and perspective are ordered categoricals in codebook order (sort
and groupby follow the codebook); no valence or perspective is a missing value. pandas, numpy and
networkx are imported on first use, so `import workbench` stays light. See docs/python-api.md.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.core.errors import UserError
from workbench.store import frames

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    from sqlalchemy import Connection

    from workbench.core.model import Codebook
    from workbench.store.api import Project
    from workbench.store.viewer import CoderView

CODING_COLUMNS = ["excerpt", "source", "theme", "subtheme", "coder", "valence", "perspective", "start", "end",
                  "note", "time", "uuid"]
CELL_COLUMNS = ["theme", "subtheme", "valence", "perspective", "references", "summary", "groups", "stale"]


def open(where: str | os.PathLike[str], coder: str | None = None) -> Synthesis:  # noqa: A001 — workbench.open
    """Open a project folder, or a postgresql:// URL, for reading.

    `coder` is who is looking, as --coder is for the CLI: while the project codes blind it sees only
    that coder's codings. Left out, it is the server login on PostgreSQL, else WORKBENCH_CODER, else
    nobody (fine unless the project codes blind).
    """
    from workbench.store.api import Project
    from workbench.store.engine import require_project_folder, sqlite_url

    text = os.fspath(where)
    if "://" in text:
        project = Project.open(None, text)
        if coder is None:
            from workbench.store.server import database_user

            coder = database_user(text) if text.split(":", 1)[0].startswith("postgresql") else None
    else:
        folder = Path(text)
        require_project_folder(folder)
        project = Project.open(folder, sqlite_url(folder))  # a folder means its own file, not WORKBENCH_DB
    return Synthesis(project, coder or os.environ.get("WORKBENCH_CODER") or None)


class Synthesis:
    """One project as `coder` may see it; every method returns a fresh frame (or graph) to keep."""

    def __init__(self, project: Project, coder: str | None = None) -> None:
        self._project = project
        self.coder = coder
        self._view = project.viewer(coder)

    # ----- lifetime ------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the database (SQLite checkpoints its -wal file; a server connection is returned)."""
        self._project.close()

    def __enter__(self) -> Synthesis:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self._project.folder or self._project.engine.url.render_as_string(hide_password=True)
        return f"<workbench.Synthesis {where}{' as ' + self.coder if self.coder else ''}>"

    @property
    def blind(self) -> bool:
        """The project codes blind: codings, cells, matrix and graph show only `coder`'s codings."""
        return self._fresh_view().blind

    def _fresh_view(self) -> CoderView:
        """A view per call (a view caches the blind setting, which a colleague may change meanwhile)."""
        self._view = self._project.viewer(self.coder)
        return self._view

    # ----- records -------------------------------------------------------------------------------
    def codings(self) -> pd.DataFrame:
        """One row per coding the viewer may see (everyone's, or only the viewer's own while blind):
        excerpt, source, theme, subtheme, coder, valence, perspective, start, end, note, time, uuid."""
        pd = _pandas()
        view = self._fresh_view()
        own = view.own_only()
        with self._project.read() as conn:  # one snapshot: the categories match the rows
            types = _Categories(self._codebook(conn))
            rows = frames.coding_rows(conn, own)
            names = frames.names_by_id(conn)
        df = pd.DataFrame.from_records(rows, columns=list(frames.CODING_COLUMNS), nrows=len(rows))
        for kind in ("theme", "subtheme", "valence", "perspective"):
            df[kind + "_id"] = types.from_ids(kind, df[kind + "_id"], names[kind])
        df = df.rename(columns={k + "_id": k for k in ("theme", "subtheme", "valence", "perspective")})
        for c in ("start", "end"):
            df[c] = df[c].astype("Int64")
        return df[CODING_COLUMNS]

    def excerpts(self) -> pd.DataFrame:
        """One row per excerpt: excerpt, source, text, perspective (the excerpt's own, from the
        import; missing when none), location, start, end, uuid."""
        pd = _pandas()
        with self._project.read() as conn:
            rows = frames.excerpt_rows(conn)
        df = pd.DataFrame.from_records(rows, columns=list(frames.EXCERPT_COLUMNS), nrows=len(rows))
        df["perspective"] = _Categories(self._codebook()).from_names("perspective", df["perspective"])
        for c in ("start", "end"):
            df[c] = df[c].astype("Int64")
        return df

    def sources(self) -> pd.DataFrame:
        """One row per source in source order: ref (the label tables print), citation, year, design,
        quality, groups (a list), doi, uuid."""
        pd = _pandas()
        with self._project.read() as conn:
            rows = frames.source_rows(conn)
        df = pd.DataFrame.from_records(rows, columns=list(frames.SOURCE_COLUMNS), nrows=len(rows))
        df["groups"] = [[g.strip() for g in (text or "").split(";") if g.strip()] for text in df["groups"]]
        return df

    def summaries(self) -> pd.DataFrame:
        """One row per written summary: theme, subtheme, valence, perspective, summary, references
        (the list it was written for), author, time, version, uuid. None while blind: they are
        written from the agreed set (store/viewer.py)."""
        pd = _pandas()
        cb = self._codebook()
        theme_of = {st.name: th.name for th in cb.themes for st in th.subthemes}
        items = self._fresh_view().summaries()
        df = pd.DataFrame({
            "theme": [theme_of.get(s.subtheme) for s in items], "subtheme": [s.subtheme for s in items],
            "valence": [s.valence for s in items], "perspective": [s.perspective for s in items],
            "summary": [s.text for s in items],
            "references": [[r for r in s.references.split(",") if r] for s in items],
            "author": [s.author for s in items], "time": [s.time for s in items],
            "version": pd.array([s.version for s in items], dtype="int64"), "uuid": [s.uuid for s in items]})
        return _Categories(cb).apply(df)

    def codebook(self) -> pd.DataFrame:
        """One row per subtheme in codebook order: theme (missing for an ungrouped subtheme),
        subtheme, definition, include, exclude, example, origin, uuid."""
        pd = _pandas()
        cb = self._codebook()
        subs = [(th.name, st) for th in cb.themes for st in th.subthemes] + [(None, st) for st in cb.ungrouped]
        df = pd.DataFrame([{"theme": th, "subtheme": st.name, "definition": st.definition, "include": st.include,
                            "exclude": st.exclude, "example": st.example, "origin": st.origin, "uuid": st.uuid}
                           for th, st in subs],
                          columns=["theme", "subtheme", "definition", "include", "exclude", "example", "origin",
                                   "uuid"])
        return _Categories(cb).apply(df)

    # ----- analyses ------------------------------------------------------------------------------
    def cells(self, coders: str | Sequence[str] | None = None) -> pd.DataFrame:
        """One row per table cell (theme, subtheme, valence, perspective) with references: the
        derivation of `export table` (same rows, same order). `references` and `groups` are lists,
        sorted as the table sorts them; `stale` marks a summary written for other references."""
        from workbench.analysis.table import build_table

        pd = _pandas()
        model = build_table(self._fresh_view(), _choice(coders))
        entries = list(model.entries())
        types = _Categories(model.codebook)
        return pd.DataFrame({
            "theme": types.categorical("theme", [th for th, _s, _r, _e in entries]),
            "subtheme": types.categorical("subtheme", [st for _t, st, _r, _e in entries]),
            "valence": types.categorical("valence", [row.valence for _t, _s, row, _e in entries]),
            "perspective": types.categorical("perspective", [e.perspective for *_x, e in entries]),
            "references": [e.references for *_x, e in entries], "summary": [e.summary for *_x, e in entries],
            "groups": [e.groups for *_x, e in entries],
            "stale": pd.array([e.stale for *_x, e in entries], dtype=bool)}, columns=CELL_COLUMNS)

    def matrix(self, coders: str | Sequence[str] | None = None) -> pd.DataFrame:
        """The perspective matrix of `export matrix`: index (theme, subtheme), columns (perspective,
        valence), values the number of sources; 0 where none."""
        from workbench.analysis.cells import derive_cells
        from workbench.analysis.matrix import matrix_from

        pd = _pandas()
        cb = self._codebook()  # read once for the matrix and its categories (build_matrix's two steps)
        m = matrix_from(derive_cells(self._fresh_view(), _choice(coders)), cb)
        types = _Categories(cb)
        pairs = [(p, v) for p in m.perspectives for v in m.valences]
        values = [[row.cell(p).count(v) for p, v in pairs] for row in m.rows]
        index = pd.MultiIndex.from_arrays([types.categorical("theme", [r.theme for r in m.rows]),
                                           types.categorical("subtheme", [r.subtheme for r in m.rows])],
                                          names=["theme", "subtheme"])
        columns = pd.MultiIndex.from_arrays([types.categorical("perspective", [p for p, _ in pairs]),
                                             types.categorical("valence", [v for _, v in pairs])],
                                            names=["perspective", "valence"])
        return pd.DataFrame(values, index=index, columns=columns, dtype="int64")

    def graph(self, coders: str | Sequence[str] | None = None) -> nx.DiGraph:
        """The theme–source graph of `export graph` (docs/graph-and-evidence.md): theme → subtheme →
        source nodes; a subtheme → source edge carries valences, perspectives, excerpts and coders."""
        from workbench.analysis.graph import build_graph

        return build_graph(self._fresh_view(), _choice(coders))

    def agreement(self, by: str = "subtheme", coders: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Agreement as `workbench agreement --by BY`: one row per unit of analysis (overall, each
        theme, each subtheme down to `by`) and measure (subtheme applies, same valence, same
        perspective): n (units), percent_agreement, alpha, one kappa column per pair, note. An
        undefined alpha or kappa is missing, and `note` says why."""
        from workbench.analysis.agreement import LEVELS, agreement, choose_coders

        if by not in LEVELS:
            raise UserError(f"unknown level '{by}' (by: {', '.join(LEVELS)})")
        pd = _pandas()
        chosen = _choice(coders)
        names = choose_coders(self._fresh_view(), None if chosen == "all" else chosen)  # all = the default here
        result = agreement(self._project, names)
        rows = []
        for r in result.down_to(by):
            m = r.measure
            rows.append({"level": r.level, "theme": r.theme, "name": r.name, "measure": r.field, "n": m.units,
                         "percent_agreement": None if m.percent is None else 100 * m.percent, "alpha": m.alpha,
                         **{f"kappa {pair}": k.value for pair, k in m.kappa.items()}, "note": m.notes()})
        columns = ["level", "theme", "name", "measure", "n", "percent_agreement", "alpha",
                   *(f"kappa {p}" for p in result.pairs), "note"]
        df = pd.DataFrame(rows, columns=columns)
        for c in ["percent_agreement", "alpha", *(f"kappa {p}" for p in result.pairs)]:
            df[c] = df[c].astype("float64")
        df["n"] = df["n"].astype("int64")
        return df

    def cooccurrence(self, unit: str = "excerpt", coders: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Subtheme × subtheme: how many units (`excerpt` or `source`) the chosen coders coded with
        both; the diagonal counts units with that subtheme (`query cooccurrence`, `export
        cooccurrence`). Rows and columns in codebook order, ungrouped subthemes last."""
        from workbench.analysis.cooccurrence import cooccurrence

        pd = _pandas()
        co = cooccurrence(self._fresh_view(), unit, _choice(coders))
        types = _Categories(self._codebook())
        index = pd.CategoricalIndex(types.categorical("subtheme", co.subthemes), name="subtheme")
        return pd.DataFrame(co.counts, index=index,
                            columns=pd.CategoricalIndex(types.categorical("subtheme", co.subthemes), name="with"))

    # ----- the one place this module asks the store for more than rows -----------------------------
    def _codebook(self, conn: Connection | None = None) -> Codebook:
        return self._project.codebook.get(conn)


def _choice(coders: str | Sequence[str] | None) -> str | None:
    """`coders=` as --coders takes it: "all", "consensus", "a,b" or a list of names."""
    if coders is None or isinstance(coders, str):
        return coders
    return ",".join(coders)


def _pandas() -> Any:
    import pandas as pd

    return pd


class _Categories:
    """The codebook's order as pandas dtypes: theme, subtheme, valence, perspective."""

    def __init__(self, cb: Codebook) -> None:
        pd = _pandas()
        self.order = {
            "theme": [th.name for th in cb.themes],
            "subtheme": [st.name for th in cb.themes for st in th.subthemes] + [st.name for st in cb.ungrouped],
            "valence": list(cb.valences),
            "perspective": [p.name for p in cb.perspectives],
        }
        self.dtype = {k: pd.CategoricalDtype(v, ordered=True) for k, v in self.order.items()}

    def categorical(self, kind: str, values: Sequence[str | None]) -> Any:
        """Names (None or '' for missing) as an ordered categorical in codebook order."""
        pd = _pandas()
        return pd.Categorical([v if v else None for v in values], dtype=self.dtype[kind])

    def from_names(self, kind: str, values: Any) -> Any:
        return self.categorical(kind, list(values))

    def from_ids(self, kind: str, ids: Any, names: dict[int, str]) -> Any:
        """Database ids (NaN/None for missing) as categorical codes in one array lookup."""
        import numpy as np

        pd = _pandas()
        position = {n: i for i, n in enumerate(self.order[kind])}
        lookup = np.full(max(names, default=0) + 2, -1, dtype=np.int64)
        for i, n in names.items():
            lookup[i] = position.get(n, -1)
        raw = pd.to_numeric(ids).fillna(-1).to_numpy(dtype=np.int64)  # -1 picks the last slot: missing
        return pd.Categorical.from_codes(lookup[raw], dtype=self.dtype[kind])

    def apply(self, df: Any) -> Any:
        """The frame with its theme/subtheme/valence/perspective columns as ordered categoricals."""
        for kind in self.dtype:
            if kind in df.columns:
                df[kind] = self.categorical(kind, list(df[kind]))
        return df
