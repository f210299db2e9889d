"""The perspective matrix as a heatmap picture (PNG, SVG) for slides and the report.

Each perspective column is split into one narrow column per valence. A cell's shade grows with the
number of sources; benefit and challenge (or whatever the codebook's valences are) are told apart
by column position, a letter heading, a hatch pattern and the legend — never by colour alone — so the
picture still reads when printed in greyscale. matplotlib is imported only here, inside the
functions, so commands that draw nothing start fast.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import IO, Any

from workbench.analysis.matrix import Matrix

# Per valence position: colour map (sequential, light → dark, so greyscale keeps the order) and hatch.
STYLES = [("Blues", ""), ("Oranges", "////"), ("Greens", "...."), ("Purples", "xxxx")]
NONE_STYLE = ("Greys", "----")
ROW_IN = 0.27
COL_IN = 0.42
MAX_LABEL = 62


def valence_letters(matrix: Matrix) -> list[str]:
    """Shortest distinct prefixes of the valence names: benefit/challenge → B/C."""
    names = [matrix.valence_label(v) for v in matrix.valences]
    out = []
    for name in names:
        n = 1
        while n < len(name) and any(o != name and o.lower().startswith(name[:n].lower()) for o in names):
            n += 1
        out.append("–" if name == matrix.valence_label(None) else name[:n].capitalize())
    return out


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def draw_matrix(matrix: Matrix) -> Any:
    """A matplotlib Figure (no pyplot state, so it is safe in threads and tests)."""
    from workbench.formats.pictures import use_fonts

    use_fonts()
    from matplotlib import colormaps
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Patch
    from matplotlib.path import Path
    from matplotlib.textpath import TextPath

    nv = len(matrix.valences) or 1
    np_ = len(matrix.perspectives)
    ncols = np_ * nv
    lines: list[tuple[str, str]] = []  # ("theme"|"row", text)
    for theme, rows in matrix.themes():
        lines.append(("theme", theme))
        lines.extend(("row", r.subtheme) for r in rows)
    nrows = max(1, len(lines))
    longest = max((len(_short(t)) for _, t in lines), default=10)
    label_in = min(5.0, 0.3 + 0.066 * longest)
    wrap = max(6, int(COL_IN * nv * 14))
    heads = ["\n".join(textwrap.wrap(matrix.perspective_label(p), wrap)[:4]) for p in matrix.perspectives]
    head_in = 0.12 + 0.16 * max((h.count("\n") + 1 for h in heads), default=1) + 0.22
    title_in, legend_in = 0.55, 0.75
    width = label_in + ncols * COL_IN + 0.3
    height = title_in + head_in + nrows * ROW_IN + legend_in
    fig = Figure(figsize=(max(width, 6.5), height))
    fw, fh = fig.get_size_inches()
    ax = fig.add_axes((label_in / fw, legend_in / fh, ncols * COL_IN / fw, nrows * ROW_IN / fh))
    ax.set_xlim(0, ncols)
    ax.set_ylim(nrows, 0)
    ax.set_axis_off()
    top = max(1, matrix.max_count)
    styles = [STYLES[i % len(STYLES)] if v is not None else NONE_STYLE for i, v in enumerate(matrix.valences)]
    # Cells as one rectangle marker stamped at many offsets, counts as glyph markers, grouped: a
    # 300-subtheme matrix has thousands of cells, and an artist (or an SVG path) per cell costs seconds
    # to draw (report budget: 5 s in all).
    filled: list[tuple[list[float], list[float]]] = [([], []) for _ in matrix.valences]
    shades: list[list[float]] = [[] for _ in matrix.valences]
    empty: tuple[list[float], list[float]] = ([], [])
    numbers: dict[tuple[int, bool], tuple[list[float], list[float]]] = {}
    rows_by_name = {(r.theme, r.subtheme): r for r in matrix.rows}
    theme = ""
    for y, (kind, text) in enumerate(lines):
        if kind == "theme":
            theme = text
            ax.text(-label_in / COL_IN + 0.15, y + 0.62, _short(text, MAX_LABEL + 6), fontsize=8.5,
                    fontweight="bold", va="center", ha="left", clip_on=False)
            ax.axhline(y, color="0.4", lw=0.8)
            continue
        ax.text(-0.15, y + 0.5, _short(text), fontsize=8, va="center", ha="right", clip_on=False)
        row = rows_by_name[(theme, text)]
        for pi, p in enumerate(matrix.perspectives):
            cell = row.cell(p)
            for vi, v in enumerate(matrix.valences):
                x = pi * nv + vi
                n = cell.count(v)
                if not n:
                    empty[0].append(x + 0.5)
                    empty[1].append(y + 0.5)
                    continue
                shade = 0.15 + 0.6 * n / top
                filled[vi][0].append(x + 0.5)
                filled[vi][1].append(y + 0.5)
                shades[vi].append(shade)
                # white on the darkest shades, black elsewhere: readable in colour and in greyscale
                xs, ys = numbers.setdefault((n, shade > 0.55), ([], []))
                xs.append(x + 0.5)
                ys.append(y + 0.5)
    w, h = 0.92 * COL_IN * 72, 0.88 * ROW_IN * 72  # a cell in points, a little gap all round
    box = Path([(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2), (-w / 2, -h / 2)],
               [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY])
    size = max(w, h) ** 2  # scatter scales a path marker so its longer side is sqrt(s) points
    ax.scatter(*empty, marker=box, s=size, facecolors="none", edgecolors="0.85", linewidths=0.4)
    for vi, (cmap, hatch) in enumerate(styles):
        if shades[vi]:
            colours = colormaps[cmap](shades[vi])  # one lookup: colormaps[...] copies the map each time
            ax.scatter(*filled[vi], marker=box, s=size, facecolors=colours, edgecolors="0.25", hatch=hatch,
                       linewidths=0.5, zorder=2)
    bold = FontProperties(family="DejaVu Sans", weight="bold")
    for (n, light), (xs, ys) in numbers.items():
        glyph, backing, ms, ms_backing = _count_marker(n, bold, TextPath, Path)
        if not light:  # a white patch under the digits keeps them legible over hatching
            ax.plot(xs, ys, ls="none", marker=backing, ms=ms_backing, mew=0, color="white", alpha=0.85, zorder=3)
        ax.plot(xs, ys, ls="none", marker=glyph, ms=ms, mew=0, color="white" if light else "black", zorder=4)
    letters = valence_letters(matrix)
    for pi in range(np_):
        if pi:
            ax.axvline(pi * nv, color="0.55", lw=0.7)
        ax.text(pi * nv + nv / 2, -0.55 - 0.3, heads[pi], fontsize=7.5, ha="center", va="bottom",
                clip_on=False, linespacing=1.05)
        for vi in range(nv):
            ax.text(pi * nv + vi + 0.5, -0.3, letters[vi] if matrix.valences else "", fontsize=7,
                    ha="center", va="center", color="0.2", clip_on=False)
    handles = [Patch(facecolor=colormaps[c](0.5), edgecolor="0.25", hatch=h,
                     label=f"{letters[i]} = {matrix.valence_label(v)}")
               for i, (v, (c, h)) in enumerate(zip(matrix.valences, styles, strict=True))]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.005), ncol=max(1, len(handles)),
               fontsize=8, frameon=False, handleheight=1.3, handlelength=2.2)
    fig.text(0.99, 0.02, f"number = sources; darker = more (max {top})\ncoders: {matrix.coders}",
             fontsize=7, ha="right", va="bottom", color="0.25")
    subject = matrix.labels.get("perspective", "perspective")
    fig.text(0.01, 1 - 0.12 / fh, f"Which {subject} supports which subtheme", fontsize=11, fontweight="bold",
             va="top")
    fig.text(0.01, 1 - 0.36 / fh, "sources per subtheme × " + subject + ", split by valence", fontsize=8,
             va="top", color="0.3")
    return fig


def _count_marker(n: int, prop: Any, text_path: Any, path_cls: Any) -> tuple[Any, Any, float, float]:
    """A centred glyph path for `n` (plain TextPath: mathtext costs ~8 ms per distinct count), a backing
    rectangle a little larger, and the marker sizes that give every count the same digit height.

    matplotlib scales a path marker so its longer half-side fills half the marker size, so the size
    grows with the number of digits while the height stays put.
    """
    glyph = text_path((0, 0), str(n), prop=prop)
    (x0, y0), (x1, y1) = glyph.get_extents().get_points()
    cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    centred = path_cls(glyph.vertices - (cx, cy), glyph.codes)
    pad = 0.35 * h
    bw, bh = (w + pad) / 2, (h + pad) / 2
    backing = path_cls([(-bw, -bh), (bw, -bh), (bw, bh), (-bw, bh), (-bw, -bh)],
                       [1, 2, 2, 2, 79])
    ms = 6.0 * max(w, h) / h  # 6 pt digits
    return centred, backing, ms, 2 * max(bw, bh) * ms / max(w, h)


def _save(matrix: Matrix, out: Path | IO[bytes] | IO[str], fmt: str) -> None:
    from workbench.formats.pictures import save_figure

    save_figure(lambda: draw_matrix(matrix), out, fmt, (200, 20), metadata={"Software": "workbench"} if fmt == "png" else {"Date": None})


def matrix_png(matrix: Matrix, out: Path | IO[bytes]) -> None:
    _save(matrix, out, "png")


def matrix_svg(matrix: Matrix, out: Path | IO[str] | IO[bytes]) -> None:
    _save(matrix, out, "svg")
