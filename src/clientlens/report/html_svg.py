"""Inline SVG for the HTML report: mentions per page as bars, and the framing gauge.

Fills come from CSS classes, not attributes, so the report's "colours off" switch and the
print stylesheet can turn them grey; each family also has its own fill pattern (solid,
hatched, dotted), so the bars stay distinguishable with no colour at all.
"""

from __future__ import annotations

from html import escape
from typing import Mapping, Sequence

from clientlens.types import Framing

BAR = 12
ROW_GAP = 10
LABEL_W = 210
PLOT_W = 420
PATTERNS = ("solid", "hatch", "dots", "cross")


def slug(name: str) -> str:
    """Return `name` reduced to letters, digits and hyphens, for use in a CSS class."""
    out = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return out or "x"


def pattern_defs() -> str:
    """Return the <defs> with the fill patterns every chart on the page refers to."""
    return ('<svg width="0" height="0" aria-hidden="true" style="position:absolute"><defs>'
            '<pattern id="pat-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect class="pat-bg" width="6" height="6"/>'
            '<line class="pat-ink" x1="0" y1="0" x2="0" y2="6" stroke-width="3"/></pattern>'
            '<pattern id="pat-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
            '<rect class="pat-bg" width="5" height="5"/><circle class="pat-ink" cx="2.5" cy="2.5" r="1.4"/>'
            '</pattern>'
            '<pattern id="pat-cross" width="6" height="6" patternUnits="userSpaceOnUse">'
            '<rect class="pat-bg" width="6" height="6"/>'
            '<path class="pat-ink" d="M0 3H6M3 0V6" stroke-width="1.2"/></pattern>'
            '</defs></svg>')


def fill_class(index: int, name: str) -> str:
    """Return the CSS classes that colour and pattern the `index`-th family or label."""
    return f"fill-{slug(name)} pat-{PATTERNS[index % len(PATTERNS)]}"


def legend(names: Sequence[str], y: int) -> str:
    """Return an SVG legend row: a swatch and the name of each family or label."""
    parts, x = [], LABEL_W
    for i, name in enumerate(names):
        parts.append(f'<rect class="{fill_class(i, name)}" x="{x}" y="{y}" width="14" height="12"/>'
                     f'<text x="{x + 19}" y="{y + 10}">{escape(name)}</text>')
        x += 34 + 8 * len(name)
    return "".join(parts)


def mentions_chart(rows: Sequence[tuple[str, Mapping[str, int]]], families: Sequence[str]) -> str:
    """Return an inline SVG bar chart of counted mentions per page, one bar per family that occurs.

    A family a page never uses gets no bar and no "0"; a page with nothing counted says so.
    """
    top = max([1, *(n for _, counts in rows for n in counts.values())])
    group = BAR * max(len(families), 1) + ROW_GAP
    height = 34 + group * len(rows) + 8
    width = LABEL_W + PLOT_W + 90  # room for the longest value label, "12 customer"
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
           '<title id="chart-title">Counted mentions per page</title>',
           f'<desc id="chart-desc">Bars give the number of person-sense mentions of '
           f'{escape(", ".join(families))} on each page.</desc>',
           legend(families, 4)]
    y = 30
    for label, counts in rows:
        short = label if len(label) <= 30 else "..." + label[-27:]
        out.append(f'<text class="row-label" x="{LABEL_W - 8}" y="{y + group / 2}" text-anchor="end">'
                   f'<title>{escape(label)}</title>{escape(short)}</text>')
        if not any(counts.get(f, 0) for f in families):
            out.append(f'<text class="none" x="{LABEL_W + 6}" y="{y + group / 2}">none counted</text>')
        for i, family in enumerate(families):
            n = counts.get(family, 0)
            if not n:
                continue
            w = round(PLOT_W * n / top, 1)
            by = y + i * BAR
            out.append(f'<rect class="bar {fill_class(i, family)}" data-family="{escape(family)}" '
                       f'x="{LABEL_W}" y="{by}" width="{w}" height="{BAR - 2}">'
                       f'<title>{escape(label)}: {n} {escape(family)}</title></rect>'
                       f'<text class="value" x="{LABEL_W + w + 4}" y="{by + BAR - 3}">{n} {escape(family)}</text>')
        y += group
    out.append(f'<line class="axis" x1="{LABEL_W}" y1="26" x2="{LABEL_W}" y2="{y - ROW_GAP + 2}"/>')
    return "".join(out) + "</svg>"


def consistency_bar(value: float, band: str) -> str:
    """Return a small inline SVG bar of a 0-100 consistency, coloured by its band (the number is beside it)."""
    width = round(max(min(value, 100.0), 0.0), 1)
    return (f'<svg class="cbar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" '
            f'xmlns="http://www.w3.org/2000/svg"><rect class="track" width="100" height="8"/>'
            f'<rect class="fill band-{slug(band)}" width="{width}" height="8"/></svg>')


def framing_gauge(framing: Framing, labels: Sequence[str]) -> str:
    """Return an inline SVG stacked bar of the framing scores, each part labelled in text."""
    width, height = 480, 58
    total = sum(max(float(framing.scores.get(k, 0.0)), 0.0) for k in labels) or 1.0
    out = [f'<svg class="gauge" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           'xmlns="http://www.w3.org/2000/svg">',
           f'<title>Framing: {escape(framing.label)}</title>']
    x = 0.0
    for i, label in enumerate(labels):
        share = max(float(framing.scores.get(label, 0.0)), 0.0) / total
        w = round(width * share, 1)
        out.append(f'<rect class="{fill_class(i, label)}" x="{x}" y="0" width="{w}" height="22">'
                   f'<title>{escape(label)} {share:.0%}</title></rect>')
        if w >= 70:
            out.append(f'<text class="gauge-label" x="{x + 4}" y="38">{escape(label)} {share:.0%}</text>')
        x += w
    out.append(f'<rect class="gauge-frame" x="0" y="0" width="{width}" height="22"/>')
    scores = ", ".join(f"{k} {float(framing.scores.get(k, 0.0)):.2f}" for k in labels)
    out.append(f'<text x="0" y="54">{escape(scores)}</text>')
    return "".join(out) + "</svg>"
