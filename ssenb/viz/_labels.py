"""One place that decides where a text label goes beside its point, so labels do not collide.

Plotly places a scatter trace's text at a fixed ``textposition``; with close points the
labels run into each other, into other markers and into lines drawn through them. Every
figure that writes labels next to points (the reaction curve's kink numbers, Pareto
candidates, the barrier map's highlighted material, doping windows) asks
:func:`label_positions` for each label's ``textposition``: labels are placed greedily, in
the order given (most important first), at the candidate position whose box overlaps the
fewest already placed labels, markers and obstacles, and stays inside the plot.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Candidate positions, tried in this order when several are equally free.
POSITIONS = (
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)
#: Approximate size of one character and one line of label text at 11-12 px fonts (px).
CHAR_PX = 6.5
LINE_PX = 14.0
#: Gap between a marker's centre and its label (px), about a marker's radius.
GAP_PX = 6.0


def label_box(x: float, y: float, text: str, position: str) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) in px, y up, a label takes at ``position`` around (x, y) px."""
    lines = str(text).split("<br>")
    w = max(len(plain_text(line)) for line in lines) * CHAR_PX
    h = len(lines) * LINE_PX
    vertical, horizontal = position.split()
    if horizontal == "center":
        x0 = x - w / 2
    elif horizontal == "right":
        x0 = x + GAP_PX
    else:
        x0 = x - GAP_PX - w
    if vertical == "top":
        y0 = y + GAP_PX
    elif vertical == "bottom":
        y0 = y - GAP_PX - h
    else:
        y0 = y - h / 2
    return (x0, y0, x0 + w, y0 + h)


def label_positions(
    x: Sequence[float],
    y: Sequence[float],
    texts: Sequence[str],
    *,
    x_range: Sequence[float],
    y_range: Sequence[float],
    size_px: tuple[float, float] = (600.0, 400.0),
    obstacles: Sequence[tuple[float, float]] = (),
    avoid: Sequence[tuple[float, float, float, float]] = (),
    log_y: bool = False,
) -> list[str]:
    """A ``textposition`` per label such that labels, markers and obstacles do not overlap.

    Parameters
    ----------
    x, y : sequences of float
        The labelled points, in data units.
    texts : sequence of str
        The labels (``<br>`` starts a new line; ``<sub>`` tags take no width).
    x_range, y_range : two floats each
        The axis ranges the figure shows (data units).
    size_px : (width, height)
        Size of the plot area in px (an estimate is enough).
    obstacles : sequence of (x, y)
        Other points (data units) no label should cover (unlabelled markers, the cloud).
    avoid : sequence of (x0, y0, x1, y1)
        Rectangles in data units no label should cover (a band, a line's span).
    log_y : bool
        The y axis is logarithmic (positions are compared in log10 y).

    Returns
    -------
    list of str
        One of :data:`POSITIONS` per label, in the order of ``texts``.

    Examples
    --------
    >>> label_positions([0.5, 0.502], [0.0, 0.0], ["2", "3"], x_range=(0, 1), y_range=(-1, 1))
    ['top center', 'bottom center']
    """
    (x_lo, x_hi), (y_lo, y_hi) = (tuple(map(float, x_range)), tuple(map(float, y_range)))
    width, height = size_px
    fy = np.log10 if log_y else (lambda v: v)

    def to_px(px: float, py: float) -> tuple[float, float]:
        sx = (px - x_lo) / ((x_hi - x_lo) or 1.0) * width
        sy = (fy(py) - fy(y_lo)) / ((fy(y_hi) - fy(y_lo)) or 1.0) * height
        return float(sx), float(sy)

    marks = [to_px(a, b) for a, b in zip(x, y)] + [to_px(a, b) for a, b in obstacles]
    marker_boxes = [(mx - GAP_PX, my - GAP_PX, mx + GAP_PX, my + GAP_PX) for mx, my in marks]
    avoid_boxes = []
    for x0, y0, x1, y1 in avoid:
        (a0, b0), (a1, b1) = to_px(x0, y0), to_px(x1, y1)
        avoid_boxes.append((min(a0, a1), min(b0, b1), max(a0, a1), max(b0, b1)))
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for (px, py), text in zip(marks, texts):
        best, best_cost = POSITIONS[0], np.inf
        for position in POSITIONS:
            box = label_box(px, py, text, position)
            cost = 3 * sum(_overlap(box, b) for b in placed)
            cost += sum(_overlap(box, b) for b in marker_boxes)
            cost += 2 * sum(_overlap(box, b) for b in avoid_boxes)
            cost += 4 * _outside(box, width, height)
            if cost < best_cost - 1e-9:
                best, best_cost = position, cost
        placed.append(label_box(px, py, text, best))
        out.append(best)
    return out


def plain_text(text: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", text)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _outside(box: tuple[float, ...], width: float, height: float) -> float:
    inside = _overlap(box, (0.0, 0.0, width, height))
    return (box[2] - box[0]) * (box[3] - box[1]) - inside


def annotation_anchor(position: str, gap_px: float = 10.0) -> dict[str, object]:
    """Plotly annotation anchors and shifts that put a label at ``position`` of its point.

    For a label that must stay readable over a point cloud: an annotation can have a
    background (``bgcolor``), a scatter trace's text cannot.

    Examples
    --------
    >>> annotation_anchor("top center")
    {'xanchor': 'center', 'yanchor': 'bottom', 'xshift': 0.0, 'yshift': 10.0}
    """
    vertical, horizontal = position.split()
    xanchor = {"center": "center", "right": "left", "left": "right"}[horizontal]
    yanchor = {"top": "bottom", "bottom": "top", "middle": "middle"}[vertical]
    xshift = {"center": 0.0, "right": gap_px, "left": -gap_px}[horizontal]
    yshift = {"top": gap_px, "bottom": -gap_px, "middle": 0.0}[vertical]
    return {"xanchor": xanchor, "yanchor": yanchor, "xshift": xshift, "yshift": yshift}
