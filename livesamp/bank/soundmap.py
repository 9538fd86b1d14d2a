"""A map of the library: every sound placed by its descriptors, for performer and audience.

``layout(points)`` projects the descriptors onto their first two principal components
(each descriptor standardised first; durations, frequencies and rates on log scales) and
scales the result into the plot area; ``render_html(points)`` writes one self-contained
page (inline SVG and CSS, no script, nothing fetched): a dot per sound coloured by its
name family (``big_swoosh`` and ``swish`` share the swoosh colour), its ``name:n`` beside
it, its provenance in the dot's tooltip and in the table under the map. Revoked samples
are drawn grey and say so.
"""

from __future__ import annotations

import hashlib
import html
import math
from dataclasses import dataclass

import numpy as np

from .descriptors import Descriptors
from .naming import family_of

__all__ = ["MapPoint", "Dot", "layout", "render_html", "family_colour", "WIDTH", "HEIGHT", "DOT_RADIUS",
           "REVOKED_COLOUR"]

WIDTH, HEIGHT = 1100, 700
_LEGEND_W = 170
DOT_RADIUS = 7
_MARGIN = 60
_TOP = 70
REVOKED_COLOUR = "#9e9e9e"
_PALETTE = {
    "thud": "#d62728", "tss": "#1f77b4", "swoosh": "#2ca02c", "ping": "#ff7f0e", "hum": "#9467bd",
    "crackle": "#8c564b", "hiss": "#17becf", "rumble": "#7f3b08", "chk": "#e377c2", "bloop": "#bcbd22",
    "eee": "#ffbf00", "ooo": "#006d77",
}


@dataclass(frozen=True)
class MapPoint:
    """One sound to place: label ``name:n``, bank, descriptors, provenance line, revoked."""

    label: str
    bank: str
    descriptors: Descriptors
    provenance: str
    revoked: bool = False

    @property
    def family(self) -> str:
        return family_of(self.label)


@dataclass(frozen=True)
class Dot:
    """Where and how a point is drawn (pixels from the page's top left)."""

    x: float
    y: float
    colour: str


def family_colour(family: str) -> str:
    """A fixed colour per known family; other words get a stable colour from their hash."""
    if family in _PALETTE:
        return _PALETTE[family]
    h = int(hashlib.sha1(family.encode()).hexdigest()[:6], 16)
    hue = h % 360
    return _hsl_hex(hue, 0.55, 0.45)


def _hsl_hex(h: float, s: float, l: float) -> str:
    c = (1 - abs(2 * l - 1)) * s
    x = c * (1 - abs((h / 60) % 2 - 1))
    m = l - c / 2
    r, g, b = [(c, x, 0), (x, c, 0), (0, c, x), (0, x, c), (x, 0, c), (c, 0, x)][int(h // 60) % 6]
    return "#" + "".join(f"{round((v + m) * 255):02x}" for v in (r, g, b))


def _features(d: Descriptors) -> list[float]:
    lg = lambda v, floor: math.log(max(v, floor))  # noqa: E731
    return [lg(d.duration_s, 1e-3), d.loudness_db, lg(d.centroid_hz, 20.0), lg(d.spread_hz, 1.0), d.flatness,
            d.centroid_sweep_oct, d.zcr, lg(d.pitch_hz, 20.0), d.pitch_confidence, lg(d.attack_s, 1e-3),
            lg(d.decay_s, 1e-3), lg(d.onset_density_hz + 0.1, 0.1)]


def layout(points: list[MapPoint]) -> list[Dot]:
    """Dot positions: the first two principal components, scaled to the plot area."""
    if not points:
        return []
    x = np.array([_features(p.descriptors) for p in points], dtype=np.float64)
    std = x.std(axis=0)
    keep = std > 1e-9
    z = (x[:, keep] - x[:, keep].mean(axis=0)) / std[keep] if keep.any() else np.zeros((len(points), 0))
    if z.shape[1] and len(points) > 1:
        _, _, vt = np.linalg.svd(z, full_matrices=False)
        xy = z @ vt[:2].T
        if xy.shape[1] == 1:
            xy = np.column_stack([xy[:, 0], np.zeros(len(points))])
    else:
        xy = np.zeros((len(points), 2))
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.where(hi - lo > 1e-12, hi - lo, 1.0)
    unit = np.where(hi - lo > 1e-12, (xy - lo) / span, 0.5)
    px = _MARGIN + unit[:, 0] * (WIDTH - _LEGEND_W - 2 * _MARGIN)
    py = _TOP + (1 - unit[:, 1]) * (HEIGHT - _TOP - _MARGIN)
    return [Dot(float(a), float(b), REVOKED_COLOUR if p.revoked else family_colour(p.family))
            for a, b, p in zip(px, py, points)]


def render_html(points: list[MapPoint], title: str = "livesamp: the sound map") -> str:
    """The page (see the module doc)."""
    dots = layout(points)
    esc = html.escape
    labels, circles, rows = [], [], []
    for p, d in zip(points, dots):
        tip = f"{p.label} ({p.bank}) - {p.family}\n{p.provenance}" + ("\nREVOKED: out of play" if p.revoked else "")
        labels.append(f'<text x="{d.x + DOT_RADIUS + 3:.1f}" y="{d.y + 4:.1f}">{esc(p.label)}</text>')
        circles.append(f'<circle cx="{d.x:.1f}" cy="{d.y:.1f}" r="{DOT_RADIUS}" fill="{d.colour}">'
                       f'<title>{esc(tip)}</title></circle>')
        state = " <b>revoked</b>" if p.revoked else ""
        rows.append(f"<tr><td><span class=sw style='background:{d.colour}'></span>{esc(p.label)}{state}</td>"
                    f"<td>{esc(p.bank)}</td><td>{esc(p.family)}</td><td>{p.descriptors.duration_s:.2f} s</td>"
                    f"<td>{esc(p.provenance)}</td></tr>")
    families = sorted({p.family for p in points})
    legend = []
    for i, fam in enumerate(families[:24]):
        lx, ly = WIDTH - _LEGEND_W + 10 + (i % 2) * 80, _TOP + (i // 2) * 14
        legend.append(f'<rect x="{lx}" y="{ly - 8}" width="8" height="8" fill="{family_colour(fam)}"/>'
                      f'<text x="{lx + 11}" y="{ly}">{esc(fam)}</text>')
    heading = (f'<text class=h x="{_MARGIN}" y="30">{esc(title)}</text>'
               f'<text x="{_MARGIN}" y="50">{len(points)} sounds, placed by their descriptors '
               f'(principal components); colour = name family; hover a dot for its provenance</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}">'
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>{heading}{"".join(legend)}'
           f'<g class=labels>{"".join(labels)}</g><g class=dots>{"".join(circles)}</g></svg>')
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
html, body {{ margin: 0; padding: 0; background: #fff; font: 13px system-ui, sans-serif; color: #222; }}
svg {{ display: block; }}
svg text {{ font: 10px system-ui, sans-serif; fill: #333; }}
svg text.h {{ font-size: 18px; font-weight: 600; }}
table {{ border-collapse: collapse; margin: 16px {_MARGIN}px; }}
td, th {{ padding: 2px 10px 2px 0; text-align: left; vertical-align: top; }}
.sw {{ display: inline-block; width: 9px; height: 9px; margin-right: 6px; border-radius: 50%; }}
</style></head>
<body>{svg}
<table><tr><th>sound</th><th>bank</th><th>family</th><th>length</th><th>provenance</th></tr>
{''.join(rows)}</table>
</body></html>
"""
