"""The domain nouns: what a synthesis project is made of.

Plain frozen dataclasses, so the core, the analyses and the exports can pass them around without
touching the store. Names follow the researchers' words (see DESIGN.md, "Who uses it").
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Perspective:
    """Whose voice a finding speaks for (a sample: PSWs, service users, a mixed sample …)."""

    name: str
    mixed: bool = False
    synonyms: tuple[str, ...] = ()
    uuid: str = ""


@dataclass(frozen=True)
class Subtheme:
    """A code applied to excerpts; `origin` is the source review's wording it came from, or 'new'."""

    name: str
    definition: str = ""
    include: str = ""
    exclude: str = ""
    example: str = ""
    origin: str = ""
    uuid: str = ""


@dataclass(frozen=True)
class Theme:
    """An overarching theme: the grouping the team settles on in meetings."""

    name: str
    subthemes: tuple[Subtheme, ...] = ()
    uuid: str = ""


@dataclass(frozen=True)
class Codebook:
    """Themes, ungrouped subthemes, valences, perspectives and the project's conventions."""

    name: str = ""
    themes: tuple[Theme, ...] = ()
    ungrouped: tuple[Subtheme, ...] = ()
    valences: tuple[str, ...] = ()
    perspectives: tuple[Perspective, ...] = ()
    citation: str = "numeric"
    consensus_coder: str = "consensus"
    labels: dict[str, str] = field(default_factory=dict)
    valence_uuids: dict[str, str] = field(default_factory=dict)

    def all_subthemes(self) -> list[Subtheme]:
        return [s for t in self.themes for s in t.subthemes] + list(self.ungrouped)

    def theme_of(self, subtheme: str) -> str | None:
        for t in self.themes:
            if any(s.name == subtheme for s in t.subthemes):
                return t.name
        return None

    def perspective(self, name: str) -> Perspective | None:
        return next((p for p in self.perspectives if p.name == name), None)

    def label(self, key: str, default: str) -> str:
        """The team's own word for a screen or table label (e.g. 'sample' for 'perspective')."""
        return self.labels.get(key, default)


@dataclass(frozen=True)
class Source:
    """An included study or review; `ref` is the label printed in the table ('23', 'Walker 2013')."""

    ref: str
    citation: str = ""
    year: str = ""
    design: str = ""
    quality: str = ""
    groups: str = ""
    doi: str = ""
    uuid: str = ""

    @property
    def group_list(self) -> list[str]:
        return [g.strip() for g in self.groups.split(";") if g.strip()]


@dataclass(frozen=True)
class Excerpt:
    """A finding pulled out of a source, with the sample it comes from as a hint."""

    key: str
    source: str
    text: str
    perspective: str = ""
    location: str = ""
    uuid: str = ""
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Coding:
    """One coder's judgement that a subtheme applies to an excerpt, with valence and perspective."""

    excerpt: str
    subtheme: str
    coder: str
    valence: str | None = None
    perspective: str | None = None
    start: int | None = None
    end: int | None = None
    note: str = ""
    uuid: str = ""
    time: str = ""
    origin: str = ""


@dataclass(frozen=True)
class Summary:
    """The team's text for one subtheme × valence × perspective cell of the table."""

    subtheme: str
    valence: str | None
    perspective: str
    text: str
    uuid: str = ""
    time: str = ""
    author: str = ""
    version: int = 1
    references: str = ""
