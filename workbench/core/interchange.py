"""What moves between a project and another tool: documents, memos and a whole project at once.

`ProjectBundle` is the plain, store-free picture of a project that the REFI-QDA reader produces and
the writer consumes, so the mapping to and from the exchange format is testable without a database
and the store imports a bundle in one transaction (a bad file changes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.core.model import Codebook, Coding, Excerpt, Source, Summary


@dataclass(frozen=True)
class Document:
    """The full text of an included study or review, kept with its source so excerpts can point into it."""

    source: str  # the source's ref
    name: str
    text: str
    uuid: str = ""
    time: str = ""


@dataclass(frozen=True)
class Memo:
    """A note on anything with a uuid (a subtheme, a source, an excerpt, the project: kind 'project')."""

    target_kind: str
    target_uuid: str
    text: str
    author: str = ""
    uuid: str = ""
    time: str = ""


@dataclass
class ProjectBundle:
    """A whole project in domain terms; `losses` lists, one line per kind, what a conversion dropped.

    `excerpt_documents` maps an excerpt's uuid to the uuid of the document its start/end point into.
    `native` is True when the bundle came from a file workbench wrote (so ids and labels are kept as
    they are), False for another tool's file (labels may be assigned on import).
    """

    codebook: Codebook = field(default_factory=Codebook)
    sources: list[Source] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    excerpts: list[Excerpt] = field(default_factory=list)
    excerpt_documents: dict[str, str] = field(default_factory=dict)
    codings: list[Coding] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)
    memos: list[Memo] = field(default_factory=list)
    nothing_applies: list[tuple[str, str]] = field(default_factory=list)  # (excerpt key, coder)
    coders: list[str] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)  # project settings beyond the codebook's
    losses: list[str] = field(default_factory=list)
    native: bool = True
