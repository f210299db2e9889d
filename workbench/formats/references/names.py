"""Authors as every database writes them → (family name, initials), and lists of them split apart.

Seen in real exports: "Walker, Gillian" (Zotero, EndNote), "Walker GB" (PubMed, Vancouver),
"Quintanilla-Dieck L." and "Adler D.G." (Embase), "Labanski, A." (Scopus RIS), "P. Kogge" and
"J. -P. Nominé" (IEEE), "Alceste, F" (Web of Science), "Carol du Plessis" (given names first),
and whole lists on one line: "Liu R., Adler D.G." (Embase and Scopus CSV), "Kogge P; Shalf J"
(Ovid, IEEE CSV). A trial registration number (NCT…, ISRCTN…) is never a name.
"""

from __future__ import annotations

import re

# "L." "D.G." "J.-P." "GB" "J -P": initials, with or without dots, hyphens and spaces
_INITIALS = re.compile(r"^(?:[A-Z]\.?\s?-?\s?){1,4}$")
REGISTRY = re.compile(r"\b(NCT\d{8}|ISRCTN\d{6,}|ACTRN\d{10,}|ChiCTR[-\w]+|DRKS\d{8}|EUCTR[-\d]+|"
                      r"CTRI/[\d/]+|JPRN-\w+|IRCT\w+|NTR\d+|NL\d{4,}|KCT\d{7}|TCTR\d+|PACTR\d+|"
                      r"CN-\d{8})\b")


def is_registry_id(text: str) -> bool:
    """True for a trial registration or CENTRAL accession number standing where a name should."""
    return bool(REGISTRY.fullmatch(text.strip().strip(".;,")))


def _initials(given: str) -> str:
    return "".join(p[0].upper() for p in re.split(r"[\s.\-]+", given) if p and p[0].isalpha())


def family_and_initials(author: str) -> tuple[str, str]:
    """('du Plessis', 'C') from 'du Plessis, Carol', 'du Plessis C', 'Carol du Plessis', 'C. du Plessis'."""
    author = " ".join(author.split()).strip(" ;")
    if author.startswith("{") and author.endswith("}"):  # an organisation, as BibTeX marks one
        return author[1:-1].strip(), ""
    if "," in author:
        family, given = (x.strip() for x in author.split(",", 1))
        if _INITIALS.match(given):  # "Luke, TJ" (Web of Science), "Adler, D.G."
            return family, re.sub(r"[^A-Z]", "", given)
        return family, _initials(given)
    parts = author.split(" ")
    if len(parts) == 1:
        return author.rstrip("."), ""
    # initials at the end ("Walker GB", "Quintanilla-Dieck L.", "Adler D. G."): family first
    for cut in range(1, len(parts)):
        if _INITIALS.match(" ".join(parts[cut:])) and not _INITIALS.match(" ".join(parts[:cut])):
            return " ".join(parts[:cut]), re.sub(r"[^A-Z]", "", " ".join(parts[cut:]))
    # given names first ("Carol du Plessis", "P. Kogge", "J. -P. Nominé"): the family name starts at
    # the first lower-case particle, else it is the last word
    i = next((k for k in range(1, len(parts) - 1) if parts[k][:1].islower()), len(parts) - 1)
    return " ".join(parts[i:]), _initials(" ".join(parts[:i]))


def vancouver(author: str) -> str:
    """'Quintanilla-Dieck L' — how a citation prints one author."""
    return " ".join(x for x in family_and_initials(author) if x)


def split_names(values: list[str]) -> list[str]:
    """One name per item, whether the export gave one per line or a whole list on one line."""
    out: list[str] = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        if ";" in value:
            pieces = value.split(";")
        elif re.search(r"\.,\s", value) and value.count(",") > value.count(" and "):
            pieces = re.split(r"(?<=\.),\s+", value)  # "Liu R., Adler D.G." (Embase, Scopus CSV)
        elif re.fullmatch(r"[^,]+,[^,]+(,[^,]+,[^,]+)+", value) and not re.search(r"\.\s*,", value):
            halves = [p.strip() for p in value.split(",")]  # "Smith, J, Jones, K" → pairs
            pieces = [f"{halves[i]}, {halves[i + 1]}" for i in range(0, len(halves) - 1, 2)]
        else:
            pieces = [value]
        out.extend(p.strip() for p in pieces if p.strip())
    return [n for n in out if not is_registry_id(n)]


def split_glued(value: str) -> list[str]:
    """Springer's CSV glues its authors together ("Araz R. AlievNigar T. Ismayilova"): a lower-case
    letter followed by a capital that starts a given name (a word and a space) begins a new name."""
    names = re.split(r"(?<=[a-z\u00e0-\u00ff])(?=[A-Z][a-z\u00e0-\u00ff]*\.?\s)", value)
    return [re.sub(r"^(?:Prof\.|Dr\.|\s)+", "", n).strip() for n in names if n.strip()]
