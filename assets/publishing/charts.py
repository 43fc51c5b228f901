"""Static charts for the report: matplotlib figures rendered to inline SVG (no network at view time).

Every chart is a pure function of plain Python data returning an `<svg>` element as text. Text is
drawn as paths (`svg.fonttype = path`), so the SVG needs no font; element ids are prefixed with the
chart's name so several charts can sit in one HTML page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

SENTIMENT_COLOURS = {"positive": "#2e7d32", "neutral": "#9e9e9e", "negative": "#c62828"}
SENTIMENT_LABELS_RU = {"positive": "позитивные", "neutral": "нейтральные", "negative": "негативные"}
PODIUM_COLOURS = ("#d4a017", "#8c8c8c", "#a0522d")

_STRIP = (
    re.compile(r"<\?xml[^>]*\?>\s*"),
    re.compile(r"<!DOCTYPE[^>]*>\s*"),
    re.compile(r"<metadata>.*?</metadata>\s*", re.S),
    re.compile(r'\s+xmlns(:\w+)?="[^"]*"'),
)
_ID = re.compile(r'\bid="([^"]+)"')


def svg_text(fig: Figure, name: str, title: str) -> str:
    """The figure as an inline `<svg>` element: no XML prolog, DOCTYPE, metadata or namespace URLs;
    ids prefixed with `name`; an accessible title."""
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "path", "svg.hashsalt": name}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    for pattern in _STRIP:
        text = pattern.sub("", text)
    for ident in sorted(set(_ID.findall(text)), key=len, reverse=True):
        new = f"{name}-{ident}"
        text = text.replace(f'id="{ident}"', f'id="{new}"')
        text = text.replace(f'"#{ident}"', f'"#{new}"').replace(f"url(#{ident})", f"url(#{new})")
    text = text.replace("<svg ", f'<svg role="img" aria-label="{_escape(title)}" class="chart" ', 1)
    return text.strip()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def bump_chart(
    weeks: Sequence[str],
    ranks: Mapping[str, Mapping[str, int]],
    highlight: Sequence[str] = (),
    *,
    name: str = "bump",
    title: str = "Места по неделям",
) -> str:
    """Weekly ranks of each akim (label -> week -> rank) across `weeks`; rank 1 on top.
    The labels in `highlight` (the podium, in order) are drawn in colour, the others in grey."""
    n = max((r for series in ranks.values() for r in series.values()), default=1)
    fig, ax = plt.subplots(figsize=(11, max(4.0, 0.38 * n + 1.5)))
    x_of = {w: i for i, w in enumerate(weeks)}
    ordered = sorted(ranks, key=lambda label: (label in highlight, label))
    for label in ordered:
        series = ranks[label]
        xs = [x_of[w] for w in weeks if w in series]
        ys = [series[w] for w in weeks if w in series]
        if not xs:
            continue
        if label in highlight:
            colour, width, alpha, z = PODIUM_COLOURS[min(highlight.index(label), 2)], 2.6, 1.0, 3
        else:
            colour, width, alpha, z = "#b0bec5", 1.2, 0.9, 2
        ax.plot(xs, ys, "-o", color=colour, linewidth=width, markersize=3.5, alpha=alpha, zorder=z)
        ax.annotate(
            label,
            (xs[-1], ys[-1]),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color=colour if label in highlight else "#546e7a",
        )
    ax.set_ylim(n + 0.5, 0.5)
    ax.set_yticks(range(1, n + 1))
    ax.set_xticks(range(len(weeks)))
    ax.set_xticklabels([w.split("-")[-1] for w in weeks], fontsize=7, rotation=90)
    ax.set_xlim(-0.5, len(weeks) - 0.5 + max(2.5, len(weeks) * 0.18))
    ax.set_ylabel("место")
    ax.set_title(title, fontsize=11, loc="left")
    ax.grid(axis="y", color="#eceff1", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return svg_text(fig, name, title)


def sentiment_chart(
    buckets: Sequence[str],
    counts: Mapping[str, Sequence[int]],
    *,
    name: str = "sentiment",
    title: str = "Тональность засчитанных упоминаний",
) -> str:
    """Stacked bars of eligible mentions per bucket (week or day) by tone."""
    fig, ax = plt.subplots(figsize=(11, 3.6))
    xs = list(range(len(buckets)))
    bottom = [0] * len(buckets)
    for tone in ("positive", "neutral", "negative"):
        values = list(counts.get(tone, [0] * len(buckets)))
        ax.bar(xs, values, bottom=bottom, color=SENTIMENT_COLOURS[tone], label=SENTIMENT_LABELS_RU[tone], width=0.8)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(xs)
    ax.set_xticklabels([b.split("-W")[-1] if "-W" in b else b[5:] for b in buckets], fontsize=7, rotation=90)
    ax.set_ylabel("упоминаний")
    ax.set_title(title, fontsize=11, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return svg_text(fig, name, title)


def points_chart(
    labels: Sequence[str],
    points: Mapping[str, Sequence[int]],
    *,
    name: str = "points",
    title: str = "Баллы по семи показателям",
) -> str:
    """Horizontal stacked bars: each akim's score split into the seven indicators' points
    (labels in rank order, the leader on top)."""
    palette = ("#1565c0", "#2e7d32", "#c62828", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037")
    fig, ax = plt.subplots(figsize=(11, max(3.0, 0.36 * len(labels) + 1.2)))
    ys = list(range(len(labels)))
    left = [0] * len(labels)
    for colour, (indicator, values) in zip(palette, points.items(), strict=False):
        ax.barh(ys, list(values), left=left, color=colour, label=indicator, height=0.7)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("баллы")
    ax.set_title(title, fontsize=11, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return svg_text(fig, name, title)


# ---------------------------------------------------------------- rank interval bars (no matplotlib)
INTERVAL_BAR_WIDTH = 80
INTERVAL_BAR_HEIGHT = 14
INTERVAL_BAR_PAD = 5


def interval_x(place: int, places: int) -> float:
    """The x of `place` on the bar's 1..places axis (place 1 on the left)."""
    if places <= 1:
        return INTERVAL_BAR_WIDTH / 2
    return INTERVAL_BAR_PAD + (place - 1) * (INTERVAL_BAR_WIDTH - 2 * INTERVAL_BAR_PAD) / (places - 1)


def interval_bar(rank: int, rank_low: int, rank_high: int, places: int) -> str:
    """A small inline `<svg>` for one ranking row: the 1..places axis, a bar spanning
    rank_low..rank_high and a dot at the published rank. The bounds are also data attributes."""
    low, high, at = (interval_x(p, places) for p in (rank_low, rank_high, rank))
    span = str(rank_low) if rank_low == rank_high else f"{rank_low}–{rank_high}"
    title = _escape(f"место {rank}, 90-процентный интервал {span} из {places}")
    w, h, mid = INTERVAL_BAR_WIDTH, INTERVAL_BAR_HEIGHT, INTERVAL_BAR_HEIGHT / 2
    return (
        f'<svg class="interval" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{title}" '
        f'data-rank="{rank}" data-rank-low="{rank_low}" data-rank-high="{rank_high}" data-places="{places}">'
        f"<title>{title}</title>"
        f'<line x1="{INTERVAL_BAR_PAD}" y1="{mid:g}" x2="{w - INTERVAL_BAR_PAD}" y2="{mid:g}" stroke="#cfd8dc"/>'
        f'<rect x="{low - 3:.1f}" y="{mid - 4:g}" width="{high - low + 6:.1f}" height="8" rx="4" fill="#90caf9"/>'
        f'<circle cx="{at:.1f}" cy="{mid:g}" r="3" fill="#0d47a1"/>'
        "</svg>"
    )
