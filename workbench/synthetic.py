"""A synthetic synthesis project of any size, for benchmarks and tests.

The generator writes the same text inputs a review team would (codebook YAML, sources, excerpts,
codings and summaries as CSV) and builds the project through the import path of `workbench new`,
so a benchmark measures what a user runs and a test exercises real files. Everything is drawn
from one seeded `random.Random`: the same arguments give byte-identical files on any machine.

Shape: sources with AMSTAR 2 style ratings and sample groups; excerpts whose perspective hint
follows their source's sample (a "Mixed" hint where the sample is mixed); independent coders who
mostly agree and disagree the way real coders do (another subtheme, benefit vs challenge, a
specific group vs Mixed); a consensus coder whose codings cover part of the excerpts; a few
excerpts nobody coded and a few ungrouped subthemes nobody used.
"""

from __future__ import annotations

import csv
import random
import tempfile
from pathlib import Path

import yaml

GROUPS = ("PSWs", "service users", "non-peer staff", "carers", "managers")
PERSPECTIVES = (
    ("PSWs", ["peer support workers", "peer workers"], "PSWs"),
    ("Service users", ["clients", "patients"], "service users"),
    ("Non-peer staff", ["clinicians", "nurses"], "non-peer staff"),
    ("Carers", ["families", "relatives"], "carers"),
    ("Managers", ["team leaders"], "managers"),
)
MIXED = "Mixed"
QUALITY = ("high", "moderate", "low", "critically low")
DESIGNS = ("systematic review", "scoping review", "qualitative synthesis", "meta-ethnography",
           "mixed-methods review", "systematic review and meta-analysis")
SURNAMES = ("Adebayo", "Bergström", "Chen", "Dubois", "Evans", "Fernández", "Gupta", "Haddad", "Ito",
            "Jansen", "Kowalski", "Larsen", "Mensah", "Nakamura", "O'Brien", "Petrov", "Quinn", "Rossi",
            "Santos", "Tanaka", "Usman", "Varga", "Walker", "Xu", "Yilmaz", "Zhou")
TOPICS = ("employment", "recovery", "supervision", "stigma", "training", "boundaries", "wellbeing",
          "role clarity", "trust", "hope", "isolation", "pay", "workload", "disclosure", "identity",
          "relationships", "culture", "leadership", "access", "empowerment")
VERBS = ("described", "reported", "valued", "struggled with", "questioned", "welcomed", "worried about",
         "emphasised", "noticed", "resented")
OBJECTS = ("the time to talk openly", "unclear job descriptions", "shared lived experience", "low pay",
           "a sense of belonging", "being treated as a token", "flexible working hours",
           "the lack of supervision", "a chance to rebuild confidence", "tension with clinical staff",
           "support from managers", "the weight of other people's distress", "a role model of recovery",
           "training that came too late", "being listened to", "blurred boundaries with friends")
SUBTHEME_WORDS = ("Bridging", "Hope", "Role", "Boundaries", "Stigma", "Recovery", "Power", "Training",
                  "Workload", "Trust", "Identity", "Culture", "Belonging", "Support", "Access", "Voice")
VALENCES = ("benefit", "challenge")


def write_synthetic_inputs(folder: Path, excerpts: int = 50_000, sources: int = 1_000, subthemes: int = 300,
                           themes: int = 12, coders: int = 10, codings: int = 500_000,
                           seed: int = 1) -> dict[str, Path]:
    """Write codebook.yaml, sources.csv, excerpts.csv, codings.csv and summaries.csv into `folder`.

    `coders` counts the consensus coder too. Returns the paths by kind ("codebook", "sources" …).
    """
    if min(excerpts, sources, subthemes, themes) < 1 or coders < 2:
        raise ValueError("need at least one excerpt, source, subtheme and theme, and two coders")
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = _subtheme_names(subthemes)
    ungrouped = max(1, subthemes // 50) if subthemes > themes else 0  # candidates nobody used yet
    grouped = names[: subthemes - ungrouped]
    source_groups = [_sample_groups(rng) for _ in range(sources)]
    hints = []
    excerpt_source = []
    for i in range(excerpts):
        s = i * sources // excerpts  # excerpts come in blocks per source, as extraction sheets do
        excerpt_source.append(s)
        groups = source_groups[s]
        if len(groups) == 1:
            hints.append(_perspective_of(groups[0]))
        else:
            hints.append(MIXED if rng.random() < 0.7 else _perspective_of(rng.choice(groups)))
    paths = {k: folder / f"{k}.{'yaml' if k == 'codebook' else 'csv'}"
             for k in ("codebook", "sources", "excerpts", "codings", "summaries")}
    _write_codebook(paths["codebook"], grouped, names[len(grouped):], themes, rng)
    _write_sources(paths["sources"], source_groups, rng)
    _write_excerpts(paths["excerpts"], excerpt_source, hints, rng)
    cells = _write_codings(paths["codings"], len(grouped), grouped, hints, excerpt_source, coders, codings, rng)
    _write_summaries(paths["summaries"], cells, rng)
    return paths


def make_synthetic_project(folder: Path, excerpts: int = 50_000, sources: int = 1_000, subthemes: int = 300,
                           themes: int = 12, coders: int = 10, codings: int = 500_000, seed: int = 1,
                           inputs: Path | None = None) -> Path:
    """Write the inputs (into `inputs`, else a temporary folder) and build the project at `folder`
    exactly as `workbench new` does. Returns `folder`."""
    from workbench.services.build import build_project

    with tempfile.TemporaryDirectory(prefix="wb-synthetic-") as tmp:
        where = inputs or Path(tmp)
        p = write_synthetic_inputs(where, excerpts, sources, subthemes, themes, coders, codings, seed)
        build_project(folder, p["codebook"], p["sources"], p["excerpts"], p["codings"], p["summaries"],
                      "synthetic")
    return folder


# ----- the parts -----------------------------------------------------------------------------
def _subtheme_names(n: int) -> list[str]:
    words = len(SUBTHEME_WORDS)
    return [f"{SUBTHEME_WORDS[i % words]} and {TOPICS[(i // words) % len(TOPICS)]} {i + 1:03d}" for i in range(n)]


def _sample_groups(rng: random.Random) -> list[str]:
    if rng.random() < 0.6:
        return [rng.choice(GROUPS[:4])]
    return rng.sample(GROUPS, rng.randint(2, 4))


def _perspective_of(group: str) -> str:
    return next(name for name, _syn, g in PERSPECTIVES if g == group)


def _write_codebook(path: Path, grouped: list[str], ungrouped: list[str], themes: int, rng: random.Random) -> None:
    per_theme = [grouped[i::themes] for i in range(themes)]

    def sub(name: str) -> dict[str, str]:
        topic = name.split(" and ")[1].rsplit(" ", 1)[0]
        return {"name": name, "definition": f"Findings about {topic} as the sample experienced it.",
                "include": f"Accounts that name {topic} directly.",
                "exclude": "Findings about the organisation as a whole.",
                "origin": "new" if rng.random() < 0.3 else f"{topic.capitalize()} (source review's wording)"}

    doc = {
        "name": f"Synthetic project ({len(grouped) + len(ungrouped)} subthemes)",
        "citation": "numeric",
        "consensus_coder": "consensus",
        "valences": list(VALENCES),
        "perspectives": [{"name": n, "synonyms": syn} for n, syn, _g in PERSPECTIVES]
        + [{"name": MIXED, "mixed": True, "synonyms": ["mixed sample", "stakeholders"]}],
        "themes": [{"name": f"Theme {i + 1:02d}: {TOPICS[i % len(TOPICS)]}", "subthemes": [sub(s) for s in subs]}
                   for i, subs in enumerate(per_theme)],
        "ungrouped": [sub(s) for s in ungrouped],
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _write_sources(path: Path, source_groups: list[list[str]], rng: random.Random) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("ref", "citation", "year", "design", "quality", "groups"))
        for i, groups in enumerate(source_groups, start=1):
            year = rng.randint(2000, 2024)
            author = rng.choice(SURNAMES)
            topic = rng.choice(TOPICS)
            w.writerow((i, f"{author} A, {rng.choice(SURNAMES)} B, et al. Peer support and {topic}: a review. "
                           f"J Synth Stud. {year};{rng.randint(1, 40)}:{rng.randint(1, 300)}.",
                        year, rng.choice(DESIGNS), rng.choices(QUALITY, (1, 2, 3, 4))[0], ";".join(groups)))


def _write_excerpts(path: Path, excerpt_source: list[int], hints: list[str], rng: random.Random) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("id", "source", "text", "perspective", "location"))
        for i, (s, hint) in enumerate(zip(excerpt_source, hints, strict=True)):
            who = hint if hint != MIXED else "Participants across groups"
            text = (f"{who} {rng.choice(VERBS)} {rng.choice(OBJECTS)}, and linked it to {rng.choice(TOPICS)}. "
                    f"Several also {rng.choice(VERBS)} {rng.choice(OBJECTS)}.")
            w.writerow((_excerpt_id(i), s + 1, text, hint, f"Results, theme {rng.randint(1, 6)}"))


def _excerpt_id(i: int) -> str:
    return f"x{i + 1:06d}"


def _write_codings(path: Path, n_grouped: int, subs: list[str], hints: list[str], excerpt_source: list[int],
                   coders: int, total: int, rng: random.Random) -> set[tuple[str, str, str]]:
    """Codings in passes over the excerpts, each pass by the next coder in turn, until `total`.

    Each (excerpt, coder) pair is visited at most once and gives one or two distinct subthemes, so
    every row is unique on the natural key by construction. Returns the consensus cells.
    """
    n = len(hints)
    names = ["consensus"] + [f"coder{i:02d}" for i in range(1, coders)]
    # Every 97th excerpt stays uncoded, so status has something to report.
    coded = [i for i in range(n) if i % 97 != 96] or list(range(n))
    # Subthemes per excerpt: about a third carry two, more when the codings asked for need it.
    mean = max(1.3, 1.15 * total / (len(coded) * coders))
    if mean > min(3, n_grouped):
        raise ValueError(f"{total} codings do not fit {len(coded)} excerpts × {coders} coders")
    # Subthemes follow a long tail: a few are used a lot, many a little.
    weights = [1.0 / (k + 3) for k in range(n_grouped)]
    cum = list(_accumulate(weights))
    truth = []
    for _ in range(n):
        k = int(mean) + (rng.random() < mean - int(mean))
        chosen = [rng.choices(range(n_grouped), cum_weights=cum)[0]]
        while len(chosen) < k:
            extra = rng.randrange(n_grouped)
            if extra not in chosen:
                chosen.append(extra)
        truth.append((chosen, rng.choice(VALENCES) if rng.random() < 0.95 else ""))
    cells: set[tuple[str, str, str]] = set()
    written = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("excerpt", "subtheme", "coder", "valence", "perspective", "note"))
        for p in range(coders):
            for i in coded:
                if written >= total:
                    return cells
                coder = names[(i + p) % coders]
                true_subthemes, valence = truth[i]
                hint = hints[i]
                chosen = list(true_subthemes)
                if coder != "consensus":
                    r = rng.random()
                    if r < 0.12:  # another subtheme seemed to fit better
                        other = (chosen[0] + 1 + rng.randrange(5)) % n_grouped
                        chosen = [other] + [x for x in chosen[1:] if x != other]
                    elif r < 0.2 and valence:  # benefit vs challenge
                        valence = VALENCES[1 - VALENCES.index(valence)]
                    elif r < 0.28:  # a specific group vs the mixed sample
                        hint = MIXED if hint != MIXED else _perspective_of(GROUPS[excerpt_source[i] % 4])
                for k in chosen[: total - written]:
                    w.writerow((_excerpt_id(i), subs[k], coder, valence, hint,
                                "unsure" if rng.random() < 0.02 else ""))
                    written += 1
                    if coder == "consensus":
                        cells.add((subs[k], valence, hint))
    if written < total:
        raise ValueError(f"only {written} of {total} codings fit; give more excerpts or coders")
    return cells


def _accumulate(weights: list[float]) -> list[float]:
    out, run = [], 0.0
    for x in weights:
        run += x
        out.append(run)
    return out


def _write_summaries(path: Path, cells: set[tuple[str, str, str]], rng: random.Random) -> None:
    """A summary for about half of the consensus cells: teams write them as they go."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("subtheme", "valence", "perspective", "summary"))
        for sub, valence, persp in sorted(cells):
            if rng.random() < 0.5:
                w.writerow((sub, valence, persp, f"{persp} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                                                 f"({'no valence' if not valence else valence})."))
