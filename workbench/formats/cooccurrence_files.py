"""Subthemes coded together as CSV, XLSX and a heatmap picture: `cooccurrence_<format>(co, out)`.

CSV is the square matrix (theme and subtheme, then one column per subtheme). XLSX adds a sheet with
one row per pair, most frequent first, for filtering. The picture shades each off-diagonal cell by
its count (the diagonal, each subtheme's own count, would swamp the scale, so it is printed grey) and
rules a line between themes, so a block of dark cells across a line is a grouping to discuss.
Every cell goes through formats/cells_safe.py (formulas neutralised, CR-safe CSV, XML escapes).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from workbench.analysis.cooccurrence import UNGROUPED, Cooccurrence
from workbench.formats.cells_safe import SafeCsv, SafeWorkbook


def _theme(th: str | None) -> str:
    return UNGROUPED if th is None else th


def note(co: Cooccurrence) -> str:
    what = "excerpts" if co.unit == "excerpt" else "sources"
    text = (f"Each cell: number of {what} coded with both subthemes (diagonal: with that subtheme); "
            f"coders: {co.coders}.")
    if co.blind:
        text += " Blind coding: only the codings of the coder who exported it."
    return text


def matrix_rows(co: Cooccurrence) -> list[list[Any]]:
    """Header and one row per subtheme (the writers make the cells safe)."""
    rows: list[list[Any]] = [["theme", "subtheme", *co.subthemes]]
    for i, (name, th) in enumerate(zip(co.subthemes, co.themes, strict=True)):
        rows.append([_theme(th), name, *(int(n) for n in co.counts[i])])
    return rows


def cooccurrence_csv(co: Cooccurrence, out: Path | IO[str]) -> None:
    handle: IO[str] = out.open("w", encoding="utf-8", newline="") if isinstance(out, Path) else out
    try:
        SafeCsv(handle).writerows(matrix_rows(co))
    finally:
        if isinstance(out, Path):
            handle.close()


def cooccurrence_xlsx(co: Cooccurrence, out: Path | IO[bytes]) -> None:
    """Sheets 'Co-occurrence' (the matrix, shaded) and 'Pairs' (one row per pair coded together)."""
    from openpyxl.styles import Font, PatternFill

    wb = SafeWorkbook()
    ws = wb.active
    ws.title = "Co-occurrence"
    for row in matrix_rows(co):
        ws.append(row)
    for c in ws[1]:
        c.font = Font(bold=True)
    k = len(co.subthemes)
    off = co.counts.copy()
    off[range(k), range(k)] = 0
    top = max(1, int(off.max(initial=0)))
    for i in range(k):
        for j in range(k):
            n = int(co.counts[i, j])
            if n and i != j:  # light to mid grey, so black text stays readable and it prints
                shade = 235 - int(110 * min(n, top) / top)
                ws.cell(i + 2, j + 3).fill = PatternFill("solid", fgColor=f"{shade:02X}{shade:02X}{shade:02X}")
    ws.freeze_panes = "C2"
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 34
    ws.append([])
    ws.append([note(co)])

    pairs = wb.create_sheet("Pairs")
    pairs.append(["subtheme", "theme", "with subtheme", "with theme", co.unit + "s"])
    theme_of = dict(zip(co.subthemes, co.themes, strict=True))
    for a, b, n in co.pairs():
        pairs.append([a, _theme(theme_of[a]), b, _theme(theme_of[b]), n])
    wb.save(out)


def draw_cooccurrence(co: Cooccurrence) -> Any:
    """A matplotlib Figure (no pyplot state, so it is safe in threads and tests)."""
    import numpy as np

    from workbench.formats.pictures import use_fonts

    use_fonts()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    k = max(1, len(co.subthemes))
    cell = max(0.09, min(0.32, 10.0 / k))  # inches: readable for 20 subthemes, bounded for 300
    font = max(3.0, min(8.0, cell * 26))
    label_in = min(4.5, 0.3 + 0.055 * font * max((len(s) for s in co.subthemes), default=10) / 1.6)
    side = k * cell
    fig = Figure(figsize=(label_in + side + 1.3, label_in + side + 0.9))
    fw, fh = fig.get_size_inches()
    ax = fig.add_axes((label_in / fw, 0.5 / fh, side / fw, side / fh))
    off = np.ma.masked_array(co.counts.astype(float), mask=np.eye(len(co.subthemes), dtype=bool))
    image = ax.imshow(off if len(co.subthemes) else np.zeros((1, 1)), cmap="Blues", vmin=0,
                      vmax=max(1.0, float(off.max()) if off.count() else 1.0), interpolation="nearest",
                      aspect="equal")
    ax.imshow(np.ma.masked_array(np.ones((len(co.subthemes), len(co.subthemes))), mask=~np.eye(len(co.subthemes),
                                 dtype=bool)) if len(co.subthemes) else np.zeros((1, 1)),
              cmap="Greys", vmin=0, vmax=4, interpolation="nearest", aspect="equal")
    ax.set_xticks(range(len(co.subthemes)), co.subthemes, rotation=90, fontsize=font)
    ax.set_yticks(range(len(co.subthemes)), co.subthemes, fontsize=font)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    if k <= 40:
        for i in range(len(co.subthemes)):
            for j in range(len(co.subthemes)):
                n = int(co.counts[i, j])
                if n:
                    light = i != j and n > 0.6 * float(off.max())
                    ax.text(j, i, str(n), ha="center", va="center", fontsize=font * 0.85,
                            color="white" if light else "black")
    for b in [i for i in range(1, len(co.themes)) if co.themes[i] != co.themes[i - 1]]:
        ax.axhline(b - 0.5, color="0.3", lw=0.8)
        ax.axvline(b - 0.5, color="0.3", lw=0.8)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    bar.ax.tick_params(labelsize=7)
    bar.set_label(f"{co.unit}s coded with both", fontsize=7)
    fig.text(0.01, 0.01, note(co), fontsize=6.5, color="0.25", va="bottom")
    # the title sits just above the column labels, whose height is known only once they are laid out
    box = ax.get_tightbbox(FigureCanvasAgg(fig).get_renderer())
    top = (box.y1 / fig.dpi / fh) if box is not None else 1.0 - 0.4 / fh
    fig.text(0.01, min(top + 0.1 / fh, 0.995), f"Subthemes coded together on one {co.unit}", fontsize=11,
             fontweight="bold", va="bottom")
    return fig


def cooccurrence_png(co: Cooccurrence, out: Path | IO[bytes]) -> None:
    # a tight box: the labels' room is estimated from their length, so trim what they did not use
    from workbench.formats.pictures import save_figure

    save_figure(lambda: draw_cooccurrence(co), out, "png", (200, 20), metadata={"Software": "workbench"},
                bbox_inches="tight",
                pad_inches=0.15)
