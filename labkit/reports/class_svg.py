"""Inline SVG charts for the HTML class report, drawn in Python: no script, no font, no URL.

Each function returns :class:`markupsafe.Markup` whose every piece of text went
through :func:`markupsafe.escape`, so a trainee's name cannot inject markup.
Coordinates are rounded to one decimal, so identical input gives identical bytes.
Colours are readable on paper in grey scale as well: every cell and bar also
carries its number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

from labkit.reports.class_labels import human_percent

FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif\""
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#d9e2ec"
PASS_FILL = "#2f855a"
FAIL_FILL = "#c05621"
STATUS_FILLS = {"correct": "#2f855a", "partial": "#d69e2e", "wrong": "#c53030", "unanswered": "#a0aec0"}
# ColorBrewer RdYlBu (reversed): red for little, pale yellow for half, blue for all; safe for most
# colour-vision deficiencies and still ordered in grey scale.
_SCALE = ((0.0, (215, 48, 39)), (0.25, (252, 141, 89)), (0.5, (254, 224, 144)), (0.75, (145, 191, 219)),
          (1.0, (69, 117, 180)))  # fmt: skip


def _n(value: float) -> str:
    return f"{round(value, 1):g}"


def share_colour(share: float) -> str:
    """The heat-map colour of a share 0..1."""
    share = max(0.0, min(1.0, share))
    for (lo, c0), (hi, c1) in pairwise(_SCALE):
        if share <= hi:
            t = (share - lo) / (hi - lo)
            rgb = (round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True))
            return "#" + "".join(f"{c:02x}" for c in rgb)
    return "#4575b4"


def _text_colour(share: float) -> str:
    return "#ffffff" if share < 0.12 or share > 0.86 else INK


def _svg(width: float, height: float, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" {FONT} font-size="12" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )
    return Markup(head + "".join(body) + "</svg>")


def histogram(counts: Sequence[int], pass_mark: float, *, title: str, x_label: str, y_label: str,
              lang: str) -> Markup:  # fmt: skip
    """Trainees per ten-point score band, bands at or above the pass mark in green, a dashed pass line."""
    width, height = 560.0, 260.0
    left, right, top, bottom = 44.0, 16.0, 20.0, 44.0
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([*counts, 1])
    step = 1 if peak <= 8 else 2 if peak <= 16 else 5 if peak <= 40 else 10 if peak <= 80 else 25
    top_value = -(-peak // step) * step
    body: list[str] = []
    for tick in range(0, top_value + 1, step):
        y = top + plot_h - plot_h * tick / top_value
        body.append(
            f'<line x1="{_n(left)}" x2="{_n(width - right)}" y1="{_n(y)}" y2="{_n(y)}" stroke="{GRID}"/>'
        )
        body.append(
            f'<text x="{_n(left - 6)}" y="{_n(y + 4)}" text-anchor="end" fill="{MUTED}">{tick}</text>'
        )
    band = plot_w / len(counts)
    for index, count in enumerate(counts):
        x = left + index * band
        h = plot_h * count / top_value
        fill = PASS_FILL if (index + 1) * 100 / len(counts) > pass_mark else FAIL_FILL
        if count:
            body.append(
                f'<rect x="{_n(x + 3)}" y="{_n(top + plot_h - h)}" width="{_n(band - 6)}" height="{_n(h)}" '
                f'fill="{fill}" rx="2"><title>{index * 10}–{index * 10 + 10}%: {count}</title></rect>'
            )
            body.append(
                f'<text x="{_n(x + band / 2)}" y="{_n(top + plot_h - h - 5)}" text-anchor="middle" '
                f'fill="{INK}" font-weight="600">{count}</text>'
            )
        body.append(
            f'<text x="{_n(x)}" y="{_n(top + plot_h + 16)}" text-anchor="middle" fill="{MUTED}">'
            f"{index * 10}</text>"
        )
    body.append(
        f'<text x="{_n(width - right)}" y="{_n(top + plot_h + 16)}" text-anchor="middle" '
        f'fill="{MUTED}">100</text>'
    )
    body.append(f'<line x1="{_n(left)}" x2="{_n(width - right)}" y1="{_n(top + plot_h)}" '
                f'y2="{_n(top + plot_h)}" stroke="{MUTED}"/>')  # fmt: skip
    px = left + plot_w * max(0.0, min(100.0, pass_mark)) / 100
    body.append(f'<line x1="{_n(px)}" x2="{_n(px)}" y1="{_n(top - 6)}" y2="{_n(top + plot_h)}" '
                f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 4"/>')  # fmt: skip
    mark = escape(human_percent(pass_mark, lang))
    body.append(f'<text x="{_n(px + 4)}" y="{_n(top + 4)}" fill="{INK}">{mark}</text>')
    body.append(f'<text x="{_n(left + plot_w / 2)}" y="{_n(height - 6)}" text-anchor="middle" '
                f'fill="{MUTED}">{escape(x_label)}</text>')  # fmt: skip
    body.append(f'<text transform="translate(12 {_n(top + plot_h / 2)}) rotate(-90)" text-anchor="middle" '
                f'fill="{MUTED}">{escape(y_label)}</text>')  # fmt: skip
    return _svg(width, height, title, body)


@dataclass(frozen=True)
class DifficultyRow:
    label: str
    share: float | None
    counts: dict[str, int]


def difficulty_bars(rows: Sequence[DifficultyRow], *, title: str, status_labels: dict[str, str],
                    lang: str) -> Markup:  # fmt: skip
    """Per question: a bar of the share of points earned, under it the split of verdicts."""
    width = 560.0
    left, right, top, row_h = 64.0, 64.0, 34.0, 34.0
    plot_w = width - left - right
    height = top + row_h * len(rows) + 8
    body: list[str] = []
    x = left
    for status, fill in STATUS_FILLS.items():
        body.append(f'<rect x="{_n(x)}" y="6" width="10" height="10" fill="{fill}" rx="2"/>')
        text = escape(status_labels[status])
        body.append(f'<text x="{_n(x + 14)}" y="15" fill="{MUTED}">{text}</text>')
        x += 26 + 7 * len(status_labels[status])
    for tick in (0, 25, 50, 75, 100):
        gx = left + plot_w * tick / 100
        body.append(f'<line x1="{_n(gx)}" x2="{_n(gx)}" y1="{_n(top - 6)}" y2="{_n(height - 8)}" '
                    f'stroke="{GRID}"/>')  # fmt: skip
    for index, row in enumerate(rows):
        y = top + index * row_h
        body.append(f'<text x="{_n(left - 8)}" y="{_n(y + 13)}" text-anchor="end" fill="{INK}" '
                    f'font-weight="600">{escape(row.label)}</text>')  # fmt: skip
        share = row.share
        body.append(
            f'<rect x="{_n(left)}" y="{_n(y)}" width="{_n(plot_w)}" height="16" fill="#f0f4f8" rx="2"/>'
        )
        if share is not None:
            body.append(f'<rect x="{_n(left)}" y="{_n(y)}" width="{_n(plot_w * max(0.0, min(1.0, share)))}" '
                        f'height="16" fill="{share_colour(share)}" rx="2"/>')  # fmt: skip
        shown = escape(human_percent(None if share is None else 100 * share, lang))
        body.append(f'<text x="{_n(width - right + 6)}" y="{_n(y + 13)}" fill="{INK}" font-weight="600">'
                    f"{shown}</text>")  # fmt: skip
        total = sum(row.counts.values())
        sx = left
        for status, fill in STATUS_FILLS.items():
            count = row.counts.get(status, 0)
            if not total or not count:
                continue
            w = plot_w * count / total
            body.append(f'<rect x="{_n(sx)}" y="{_n(y + 19)}" width="{_n(w)}" height="6" fill="{fill}">'
                        f"<title>{escape(status_labels[status])}: {count}</title></rect>")  # fmt: skip
            sx += w
    return _svg(width, height, title, body)


@dataclass(frozen=True)
class HeatRow:
    label: str
    #: One share per column; None: not graded or not mapped.
    shares: tuple[float | None, ...]
    emphasis: bool = False


def heat_map(columns: Sequence[str], rows: Sequence[HeatRow], *, title: str, lang: str) -> Markup:
    """Trainees down, competencies across, each cell coloured by the share earned and labelled with it."""
    cell_w, cell_h = 62.0, 24.0
    # Rough text widths (px per character at 12 px; rotated labels run up and to the right at 40°).
    label_chars = min(34, max([len(r.label) for r in rows] + [8]))
    column_chars = min(24, max([len(c) for c in columns] + [4]))
    left = 16.0 + 8.4 * label_chars
    top = 14.0 + 6.6 * column_chars * 0.65
    width = left + cell_w * len(columns) + max(16.0, 6.6 * column_chars * 0.77 - cell_w / 2 + 8)
    height = top + cell_h * len(rows) + 12
    body: list[str] = []
    for index, column in enumerate(columns):
        cx = left + cell_w * index + cell_w / 2
        body.append(f'<text transform="translate({_n(cx)} {_n(top - 6)}) rotate(-40)" fill="{INK}" '
                    f'font-size="11">{escape(column)}</text>')  # fmt: skip
    for r_index, row in enumerate(rows):
        y = top + cell_h * r_index
        shown = row.label if len(row.label) <= 34 else row.label[:33] + "…"
        weight = ' font-weight="700"' if row.emphasis else ""
        if row.emphasis:
            body.append(f'<line x1="4" x2="{_n(width - 8)}" y1="{_n(y)}" y2="{_n(y)}" stroke="{INK}"/>')
        body.append(f'<text x="{_n(left - 8)}" y="{_n(y + 16)}" text-anchor="end" fill="{INK}"{weight}>'
                    f"{escape(shown)}</text>")  # fmt: skip
        for c_index, share in enumerate(row.shares):
            x = left + cell_w * c_index
            if share is None:
                body.append(f'<rect x="{_n(x + 1)}" y="{_n(y + 1)}" width="{_n(cell_w - 2)}" '
                            f'height="{_n(cell_h - 2)}" fill="#f0f4f8"/>')  # fmt: skip
                body.append(f'<text x="{_n(x + cell_w / 2)}" y="{_n(y + 16)}" text-anchor="middle" '
                            f'fill="{MUTED}">—</text>')  # fmt: skip
                continue
            body.append(f'<rect x="{_n(x + 1)}" y="{_n(y + 1)}" width="{_n(cell_w - 2)}" '
                        f'height="{_n(cell_h - 2)}" fill="{share_colour(share)}"/>')  # fmt: skip
            body.append(f'<text x="{_n(x + cell_w / 2)}" y="{_n(y + 16)}" text-anchor="middle" '
                        f'fill="{_text_colour(share)}"{weight}>{round(100 * share)}</text>')  # fmt: skip
    return _svg(width, height, title, body)


def heat_legend(lang: str) -> Markup:
    """The colour scale from 0 % to 100 % in five steps."""
    body: list[str] = []
    for index, share in enumerate((0.0, 0.25, 0.5, 0.75, 1.0)):
        x = 4 + index * 64
        body.append(f'<rect x="{_n(x)}" y="2" width="60" height="16" fill="{share_colour(share)}"/>')
        body.append(f'<text x="{_n(x + 30)}" y="14" text-anchor="middle" fill="{_text_colour(share)}">'
                    f"{escape(human_percent(100 * share, lang))}</text>")  # fmt: skip
    return _svg(332, 20, "0–100 %", body)
