"""What every picture export (graph, matrix, co-occurrence) shares: fonts for the team's names.

A review team's subthemes, sources and coders are not all in Latin script. matplotlib draws each
character with the first font in `font.family` that has it, so the list names the common
wide-coverage fonts this machine has; a character no font has is drawn as a box, and instead of
matplotlib's warning with a source path the person gets one note naming the characters and what
to install (the CLI prints it as `workbench: note: …`).
"""

from __future__ import annotations

import logging
import re
import unicodedata
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

# Wide-coverage fonts in the order tried: DejaVu first (matplotlib's own, always there), then the
# families Linux, macOS and Windows ship for other scripts.
FALLBACKS = ("DejaVu Sans", "Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK KR",
             "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Thai",
             "WenQuanYi Zen Hei", "Droid Sans Fallback", "Arial Unicode MS", "PingFang SC", "Hiragino Sans",
             "Microsoft YaHei", "Yu Gothic", "Malgun Gothic", "Nirmala UI", "Segoe UI", "Liberation Sans")
_GLYPH = re.compile(r"Glyph (\d+) .*missing from")


class PictureNote(UserWarning):
    """Something the person should know about a picture just written (characters drawn as boxes)."""


def use_fonts() -> None:
    """Set matplotlib's fonts before a figure is drawn (text takes its font when it is made)."""
    import matplotlib
    from matplotlib import font_manager

    # a fallback font without a bold face is used as it is; matplotlib's log line about it is noise
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    have = {f.name for f in font_manager.fontManager.ttflist}
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text in SVG: smaller, searchable
    matplotlib.rcParams["font.family"] = [name for name in FALLBACKS if name in have] or ["sans-serif"]


def save_figure(draw: Callable[[], Any], out: Path | IO[bytes] | IO[str], fmt: str, dpi: tuple[int, float],
                **options: Any) -> None:
    """Draw and save a figure: `dpi` = (dots per inch, up to this many inches tall; 100 above).

    matplotlib's missing-glyph warnings become one `PictureNote`. Before that, fonts installed
    since matplotlib cached its font list are looked for once, and the figure drawn again if any
    came (a person told to install a font must not be told again because of a stale cache)."""
    missing = _save(draw, out, fmt, dpi, options)
    rewind = isinstance(out, (str, Path)) or out.seekable()
    if missing and rewind and _add_new_system_fonts():
        use_fonts()
        if not isinstance(out, (str, Path)):
            out.seek(0)
            out.truncate()
        missing = _save(draw, out, fmt, dpi, options)
    if missing:
        shown = " ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
        warnings.warn(PictureNote(
            f"the picture shows boxes for {shown}: no font on this machine has them; install a font "
            "that covers them (e.g. Noto Sans CJK for Chinese, Japanese, Korean) and export again, or "
            "export SVG, which leaves the fonts to the program that opens it"), stacklevel=2)


def _save(draw: Callable[[], Any], out: Path | IO[bytes] | IO[str], fmt: str, dpi: tuple[int, float],
          options: dict[str, Any]) -> list[str]:
    """Draw and save; the characters no font had, in the order drawn (a drawing may lay text out
    before it is saved, so both are watched)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = draw()
        fig.savefig(out, format=fmt, dpi=dpi[0] if fig.get_size_inches()[1] < dpi[1] else 100, **options)
    missing: dict[str, None] = {}
    for w in caught:
        found = _GLYPH.search(str(w.message))
        if found is None:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        elif unicodedata.category(chr(int(found.group(1)))) not in ("Cc", "Cf", "Cs"):  # never drawn
            missing[chr(int(found.group(1)))] = None
    return list(missing)


def _add_new_system_fonts() -> bool:
    """Add the system's font files matplotlib's cached list does not know; True if any came."""
    from matplotlib import font_manager

    known = {f.fname for f in font_manager.fontManager.ttflist}
    added = False
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
                added = True
            except (OSError, RuntimeError, ValueError):  # a font file matplotlib cannot read
                continue
    if added:  # remembered in matplotlib's own cache, so the next export finds them at once
        import matplotlib

        cache = Path(matplotlib.get_cachedir()) / f"fontlist-v{font_manager.FontManager.__version__}.json"
        font_manager.json_dump(font_manager.fontManager, str(cache))
    return added
