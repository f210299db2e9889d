"""The text of an included study or review from .txt, .md, .docx or .pdf, and excerpts cut from it.

The text is kept as the source's document; excerpts are (start, end) offsets into exactly that
text, so line endings are normalised to LF *before* any offset exists. A .docx is a zip archive
like a .qdpx, so it is vetted by the same checks (paths, zip bombs) before python-docx opens it.
Cutting the text into excerpts is language work and lives in `nlp/split.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

from workbench.core.errors import UserError

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
MAX_DOCUMENT_BYTES = 200 * 1024**2
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def normalise(text: str) -> str:
    """LF line ends, form feeds (PDF page breaks) as blank lines, other control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n\n")
    return _CONTROL.sub("", text.lstrip("\ufeff"))


def read_document(path: Path) -> str:
    """The plain text of a document; a UserError says why a file cannot be read."""
    if not path.is_file():
        raise UserError("no such file", str(path))
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise UserError(f"larger than {MAX_DOCUMENT_BYTES // 1024**2} MB; is this one document?", str(path))
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        text = _read_text(path)
    elif suffix == ".docx":
        text = _read_docx(path)
    elif suffix == ".pdf":
        text = _read_pdf(path)
    else:
        raise UserError(f"cannot read '{suffix or path.name}' documents; save it as .docx, .pdf, .txt or .md",
                        str(path))
    text = normalise(text)
    if not text.strip():
        raise UserError("the document has no text" + (" (a scanned PDF without a text layer?)"
                                                       if suffix == ".pdf" else ""), str(path))
    return text


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise UserError("not readable UTF-16 text", str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise UserError("not UTF-8 text (save it as UTF-8)", str(path), line) from None


def _read_docx(path: Path) -> str:
    """Paragraphs and table rows in document order, one blank line apart."""
    from workbench.formats.refi.safezip import open_archive

    with open_archive(path, max_total=MAX_DOCUMENT_BYTES):
        pass  # refuses climbing paths and zip bombs before python-docx unpacks anything
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = docx.Document(str(path))
    except Exception as e:  # noqa: BLE001 — python-docx raises many types for a file that is not DOCX
        raise UserError(f"not a readable Word document ({type(e).__name__})", str(path)) from None
    blocks: list[str] = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(Paragraph(child, doc).text)
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells))  # merged cells repeat
                blocks.append(" | ".join(cells))
    return "\n\n".join(b for b in blocks if b.strip())


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UserError("the PDF is encrypted; save an unprotected copy first", str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except UserError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as e:
        raise UserError(f"not a readable PDF ({type(e).__name__}: {str(e)[:80]})", str(path)) from None
    except Exception as e:  # noqa: BLE001 — pypdf meets a damaged file with whatever fails first
        # (NotImplementedError for an unknown filter, AssertionError, IndexError, zlib.error …)
        raise UserError(f"not a readable PDF, it may be damaged ({type(e).__name__}); open it and save or "
                        "print it again as PDF", str(path)) from None
    return "\n\n".join(p.strip("\n") for p in pages)
