"""Chart figures for the pages, as plotly.js figure specs (plain dicts of `data` and
`layout`, no plotly Python objects: cheap to build per request). The page loads plotly.js
from the app itself (`/static/vendor/plotly.min.js`, the copy inside the `plotly`
package) and `static/charts.js` draws every `<div class="chart" data-figure=...>`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

__all__ = ["BOUNDS", "MET", "MISSED", "NA", "PRIMARY", "as_json", "sentiment_chart", "trend_chart"]

PRIMARY = "#2563eb"
MET = "#15803d"
MISSED = "#b91c1c"
NA = "#9ca3af"
BAND = "rgba(37, 99, 235, 0.15)"
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "share": (0.0, 1.0),
    "0-1": (0.0, 1.0),
    "1-5": (1.0, 5.0),
    "seconds": (0.0, None),
}
"""Where a KPI's values can lie: an interval is drawn within them."""

_FONT = {"family": "Inter, system-ui, -apple-system, Segoe UI, sans-serif", "size": 12, "color": "#374151"}


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "height": height,
        "margin": {"l": 44, "r": 12, "t": 8, "b": 32},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": _FONT,
        "showlegend": False,
        "xaxis": {"gridcolor": "#f1f5f9", "zeroline": False},
        "yaxis": {"gridcolor": "#e5e7eb", "zeroline": False},
    }
    layout.update(extra)
    return layout


def trend_chart(weeks: Sequence[dict[str, Any]], unit: str, height: int = 150) -> dict[str, Any]:
    """A weekly series with its interval as a shaded band."""
    x = [w["week"] for w in weeks]
    scale = 100.0 if unit in ("share", "0-1") else (1 / 60 if unit == "seconds" else 1.0)
    floor, ceiling = BOUNDS.get(unit, (None, None))

    def clamp(v: float | None) -> float | None:
        if v is None:
            return None
        if floor is not None:
            v = max(v, floor)
        if ceiling is not None:
            v = min(v, ceiling)
        return round(v * scale, 3)

    values = [clamp(w["value"]) for w in weeks]
    lo = [clamp(w.get("lo")) for w in weeks]
    hi = [clamp(w.get("hi")) for w in weeks]
    suffix = "%" if scale == 100.0 else (" min" if unit == "seconds" else "")
    data = [
        {"x": x, "y": hi, "mode": "lines", "line": {"width": 0}, "hoverinfo": "skip", "type": "scatter"},
        {
            "x": x,
            "y": lo,
            "mode": "lines",
            "line": {"width": 0},
            "fill": "tonexty",
            "fillcolor": BAND,
            "hoverinfo": "skip",
            "type": "scatter",
        },
        {
            "x": x,
            "y": values,
            "mode": "lines+markers",
            "line": {"color": PRIMARY, "width": 2},
            "marker": {"size": 6},
            "type": "scatter",
            "hovertemplate": "week of %{x}: %{y:.1f}" + suffix + "<extra></extra>",
        },
    ]
    xaxis = {"type": "date", "tickformat": "%d %b", "gridcolor": "#f1f5f9", "nticks": 5}
    yaxis = {"gridcolor": "#e5e7eb", "ticksuffix": suffix, "nticks": 5}
    return {"data": data, "layout": _layout(height, xaxis=xaxis, yaxis=yaxis)}


def sentiment_chart(
    points: Sequence[tuple[int, float]], peaks: Sequence[int] = (), height: int = 170
) -> dict[str, Any]:
    """The customer's sentiment (-1..1) per turn along the conversation."""
    x = [p[0] for p in points]
    y = [round(p[1], 3) for p in points]
    colors = [MET if v > 0.05 else (MISSED if v < -0.05 else NA) for v in y]
    data: list[dict[str, Any]] = [
        {
            "x": x,
            "y": y,
            "type": "scatter",
            "mode": "lines+markers",
            "line": {"color": "#64748b", "width": 1.5, "shape": "spline"},
            "marker": {"color": colors, "size": 8},
            "hovertemplate": "utterance %{x}: %{y:.2f}<extra></extra>",
        }
    ]
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "x0": p,
            "x1": p,
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "line": {"color": MISSED, "dash": "dot", "width": 1},
        }
        for p in peaks
    ]
    layout = _layout(
        height,
        yaxis={"range": [-1.05, 1.05], "gridcolor": "#e5e7eb", "zeroline": True, "zerolinecolor": "#cbd5e1"},
        xaxis={"title": {"text": "utterance"}, "gridcolor": "#f1f5f9"},
        shapes=shapes,
    )
    return {"data": data, "layout": layout}


def bar_chart(
    labels: Sequence[str], values: Sequence[float | None], unit: str, height: int = 260
) -> dict[str, Any]:
    scale = 100.0 if unit in ("share", "0-1") else 1.0
    y = [None if v is None else round(v * scale, 2) for v in values]
    data = [
        {
            "x": list(labels),
            "y": y,
            "type": "bar",
            "marker": {"color": PRIMARY},
            "hovertemplate": "%{x}: %{y:.1f}" + ("%" if scale == 100.0 else "") + "<extra></extra>",
        }
    ]
    return {"data": data, "layout": _layout(height, margin={"l": 44, "r": 12, "t": 8, "b": 90})}


def as_json(figure: dict[str, Any]) -> str:
    return json.dumps(figure, separators=(",", ":"), default=str)
