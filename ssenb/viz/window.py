"""Electrochemical-window figures: one material's ion profile, many materials' windows."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from .. import keys as K
from ..errors import InvalidInputError
from ..results import fmt_number
from ._style import LINE_COLOR, STABLE_COLOR, new_figure, numeric
from .publication import formula_html

if TYPE_CHECKING:
    from ..thermo import StabilityWindow

#: The voltage axis covers at least this range (V): a 0–6 V control and the axis agree.
DEFAULT_V_SPAN = (0.0, 6.0)
#: A window narrower than this fraction of the axis gets a marker and its numbers.
NARROW_FRACTION = 0.02
#: :func:`window_bars` draws at most this many windows: more is unreadable, and each
#: narrow or cut bar costs an annotation (100 000 rows took a minute).
MAX_BARS = 500


def window_title(window: StabilityWindow) -> str:
    """One line naming the material, the ion and the window, never an invented limit.

    Parameters
    ----------
    window : ssenb.thermo.StabilityWindow
        The window to name.

    Returns
    -------
    str
        Plotly-ready text (subscripted formula): the window as
        :func:`ssenb.thermo.window.window_text` writes it ("no window (decomposes at
        1.72 V)" when the limits meet), "(metastable)" when above the hull.
    """
    from ..thermo.window import window_text  # the one formatter of a window

    span = window_text(window.reduction_v, window.oxidation_v, ion=window.ion, reference=False)
    if math.isfinite(window.oxidation_v) and not window.is_empty:
        span = f"window {span}"
    note = " (metastable)" if window.metastable else ""
    return f"{formula_html(window.formula)}: {window.ion} profile, {span}{note}"


def window_profile(
    window: StabilityWindow,
    *,
    voltage: float | None = None,
    fig: go.Figure | None = None,
    v_max: float | None = None,
    **kwargs: Any,
) -> go.Figure:
    """Ion uptake (+) / release (−) per formula unit vs voltage, as a step plot.

    Parameters
    ----------
    window : ssenb.thermo.StabilityWindow
        The material's ion profile (ions per formula unit at each voltage, V vs the
        ion's metal) and window limits.
    voltage : float, optional
        A voltage to mark (V vs the ion's metal): a vertical line labelled with the
        voltage and the phases stable there (e.g. a widget's slider value).
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into; a new one by default.
    v_max : float, optional
        Right end of the voltage axis (V); default the larger of 6 V and 0.5 V past the
        last step, so the axis always covers 0–6 V.
    **kwargs
        Forwarded to the step trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Shaded band: the stability window (to the axis end when there is no oxidation
        limit; none when the window is empty); hover: ions per formula unit and products
        of each step.

    Raises
    ------
    InvalidInputError
        ``voltage`` is not a finite number.

    Examples
    --------
    >>> from ssenb.thermo import stability_window
    >>> fig = window_profile(stability_window("Li3PO4"), voltage=3.0)
    >>> fig.layout.xaxis.range[1] >= 6
    True
    """
    if voltage is not None:
        voltage = _check_voltage(voltage, window.ion)
    prof = window.profile
    first = float(prof[K.VOLTAGE].iloc[0])
    last = float(prof[K.VOLTAGE].iloc[-1])
    if v_max is None:
        v_max = max(DEFAULT_V_SPAN[1], last + 0.5, (voltage or 0.0) + 0.25)
    v_min = min(DEFAULT_V_SPAN[0], first)
    x, y, text = [], [], []
    for _, row in prof.iterrows():
        hi = min(row[K.VOLTAGE_UPPER], v_max)
        amount = f"{fmt_number(row[K.ION_PER_FU])} {window.ion}/f.u."
        products = " + ".join(row[K.PRODUCTS])
        x += [row[K.VOLTAGE], hi]
        y += [row[K.ION_PER_FU]] * 2
        label = f"{fmt_number(row[K.VOLTAGE])}–{fmt_number(row[K.VOLTAGE_UPPER])} V: {amount} → {products}"
        text += [label] * 2
    fig = new_figure(fig)
    ox = window.oxidation_v if math.isfinite(window.oxidation_v) else v_max
    fig.add_vrect(x0=window.reduction_v, x1=ox, fillcolor=STABLE_COLOR, line_width=0, layer="below")
    kwargs.setdefault("line", {"color": LINE_COLOR, "width": 3})
    fig.add_scatter(
        x=x,
        y=y,
        mode="lines",
        name=window.formula,
        text=text,
        hovertemplate="%{text}<extra></extra>",
        **kwargs,
    )
    min_width = 0.04 * (v_max - v_min)  # label only steps wide enough to read; hover shows all
    amounts = prof[K.ION_PER_FU].astype(float)
    y_span = float(amounts.max() - amounts.min()) or 1.0
    previous: tuple[float, float, float] | None = None  # right edge (V), y, lines
    for _, row in prof.iterrows():
        hi = min(row[K.VOLTAGE_UPPER], v_max)
        if hi - row[K.VOLTAGE] < min_width:
            continue
        label_text = "<br>".join(formula_html(p) for p in row[K.PRODUCTS])
        place = _step_label_x(row[K.VOLTAGE], hi, label_text, voltage, v_max - v_min)
        left, right = _label_span(place, label_text, v_max - v_min)
        lines = label_text.count("<br>") + 1
        # a label that would run into the previous one (close in x and in y) goes under its step
        below = (
            previous is not None
            and left < previous[0]
            and abs(row[K.ION_PER_FU] - previous[1]) < 0.06 * y_span * max(lines, previous[2])
        )
        fig.add_annotation(
            **place,
            y=row[K.ION_PER_FU],
            text=label_text,
            showarrow=False,
            yanchor="top" if below else "bottom",  # beside the step, not across it
            yshift=-3 if below else 3,
            font={"size": 10},
        )
        previous = (right, float(row[K.ION_PER_FU]), lines)
    if voltage is not None:
        _mark_voltage(fig, window, voltage)
    y_range = _bounded_y_range(fig, window, min_width, v_max)
    fig.update_layout(
        title=window_title(window),
        xaxis={"title": K.label(K.VOLTAGE, ion=window.ion), "range": [v_min, v_max]},
        yaxis_title=f"{window.ion} taken up per formula unit",
        showlegend=False,
    )
    if y_range is not None:
        fig.update_yaxes(range=y_range)
    return fig


#: A step narrower than the label threshold whose ion count is more than this many times
#: the largest of the readable steps is drawn off scale (the axis is not stretched to it).
OFF_SCALE_FACTOR = 3.0


#: Most bars of window_bars drawn upright with their formulas under them; more lie down,
#: formulas on the y axis (no slanted labels).
HORIZONTAL_TICKS = 6
#: Height of one lying bar of window_bars (px).
BAR_HEIGHT_PX = 22
#: Width of the profile's plot area (px, an estimate) to size labels in volts.
PLOT_WIDTH_PX = 700.0


def _step_label_x(
    lo: float, hi: float, text: str, voltage: float | None, span: float
) -> dict[str, Any]:
    """Where a step's product label goes: its middle, or beside the voltage marker.

    The marked voltage's dashed line must not run through a label (issue 19): when it
    would cross the centred label, the label moves to the wider side of the line.
    """
    from ._labels import CHAR_PX, plain_text

    mid = (lo + hi) / 2
    if voltage is None or not lo <= voltage <= hi:
        return {"x": mid, "xanchor": "center"}
    half = max(len(plain_text(line)) for line in text.split("<br>")) * CHAR_PX / 2
    half_v = half / PLOT_WIDTH_PX * span
    if abs(voltage - mid) > half_v + 0.01 * span:
        return {"x": mid, "xanchor": "center"}
    gap = 0.01 * span
    if hi - voltage >= voltage - lo:
        return {"x": voltage + gap, "xanchor": "left"}
    return {"x": voltage - gap, "xanchor": "right"}


def _label_span(place: dict[str, Any], text: str, span: float) -> tuple[float, float]:
    """The x extent (V) of a step label placed by :func:`_step_label_x`."""
    from ._labels import CHAR_PX, plain_text

    width = max(len(plain_text(line)) for line in text.split("<br>")) * CHAR_PX
    width_v = width / PLOT_WIDTH_PX * span
    x = float(place["x"])
    if place["xanchor"] == "left":
        return x, x + width_v
    if place["xanchor"] == "right":
        return x - width_v, x
    return x - width_v / 2, x + width_v / 2


def _bounded_y_range(
    fig: go.Figure, window: StabilityWindow, min_width: float, v_max: float
) -> list[float] | None:
    """Keep the y axis on the readable steps; say which narrow steps run off it, and why.

    A hull can hold dilute-alloy cells (the MP 2019 snapshot's ``Mg149Sc``, ``Mg149Se``)
    that take up hundreds of ions per formula unit within a few mV of 0 V: drawn to
    scale they flatten every other step to a line at 0. Such a step (narrower than
    ``min_width`` V and ``OFF_SCALE_FACTOR`` times the largest readable step) is cut at
    the axis, and a note names its count, voltage span and phases. Returns the y range,
    or None when every step fits.
    """
    prof = window.profile
    width = prof[K.VOLTAGE_UPPER].clip(upper=v_max) - prof[K.VOLTAGE]
    amounts = prof[K.ION_PER_FU].astype(float)
    readable = amounts[width >= min_width]
    if readable.empty:
        return None
    top = max(float(readable.abs().max()), 1.0)
    off = prof[(width < min_width) & (amounts.abs() > OFF_SCALE_FACTOR * top)]
    if off.empty:
        return None
    lo = min(0.0, float(readable.min()))
    hi = max(0.0, float(readable.max()))
    pad = 0.25 * (hi - lo or 1.0)
    notes = [
        f"off scale: {fmt_number(row[K.ION_PER_FU], digits=0)} {window.ion}/f.u. at "
        f"{fmt_number(row[K.VOLTAGE], digits=3)}–{fmt_number(row[K.VOLTAGE_UPPER], digits=3)} V "
        f"→ {' + '.join(formula_html(p) for p in row[K.PRODUCTS])}"
        for _, row in off.iterrows()
    ]
    fig.add_annotation(
        x=1,
        y=1,
        xref="paper",
        yref="paper",
        xanchor="right",
        yanchor="top",
        align="right",
        showarrow=False,
        bgcolor="rgba(255, 255, 255, 0.85)",
        font={"size": 10, "color": "#555"},
        text="<br>".join(notes)
        + "<br>(dilute-alloy cells of the data within mV of 0 V; see the hover)",
    )
    return [lo - pad, hi + pad]


def _check_voltage(voltage: Any, ion: str) -> float:
    try:
        v = float(voltage)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"voltage={voltage!r} is not a number; give a voltage in V vs {K.ion_label(ion)}"
        ) from None
    if not math.isfinite(v):
        raise InvalidInputError(f"voltage={voltage!r} must be a finite voltage in V")
    return v


def _mark_voltage(fig: go.Figure, window: StabilityWindow, v: float) -> None:
    phases = " + ".join(formula_html(p) for p in window.phases_at(v))
    fig.add_vline(
        x=v,
        line={"color": "crimson", "width": 2, "dash": "dash"},
        annotation={
            "text": f"{fmt_number(v)} V: {phases}",
            "font": {"color": "crimson", "size": 11},
            "bgcolor": "rgba(255,255,255,0.85)",
        },
        annotation_position="top right",
    )


def window_bars(
    windows: pd.DataFrame | Iterable[StabilityWindow],
    *,
    fig: go.Figure | None = None,
    v_range: tuple[float, float] | None = None,
    **kwargs: Any,
) -> go.Figure:
    """Stability windows of many materials side by side (Zhu et al. 2015, Fig. 2 style).

    Parameters
    ----------
    windows : list of StabilityWindow, or DataFrame
        A DataFrame needs columns reduced_formula (or input), reduction_V, oxidation_V
        (e.g. from :func:`ssenb.thermo.screen`); limits in V vs Li/Li⁺.
    fig : plotly.graph_objects.Figure, optional
        Figure to draw into; a new one by default.
    v_range : (float, float), optional
        Voltage axis (V vs Li/Li⁺). Default: 0 V to the larger of 6 V and the highest
        finite limit. Bars that go past the top (an oxidation limit above it, or none at
        all) end at the top with an arrow and their true limit (``∞`` when there is no
        ion to release), never silently cut.
    **kwargs
        Forwarded to the bar trace.

    Returns
    -------
    plotly.graph_objects.Figure
        Formulas with subscripts on the x axis (on the y axis, bars lying down, beyond
        ``HORIZONTAL_TICKS`` = 6 materials); windows narrower than 2 % of the axis get
        a marker and their limits written next to them (an empty window reads "no window
        (decomposes at 1.72 V)"); hover gives the true limits.

    Raises
    ------
    InvalidInputError
        No windows, more than ``MAX_BARS`` (500), a frame without the limit or name
        columns or with a non-number limit, or ``v_range`` not two finite (low, high).

    Examples
    --------
    >>> from ssenb.thermo import stability_window
    >>> fig = window_bars([stability_window("Li3PO4"), stability_window("LiF")])
    >>> fig.layout.yaxis.range[1] > 6.36
    True
    """
    ion = _one_ion(windows)
    frame = _as_frame(windows)
    finite = frame[K.OXIDATION_V][frame[K.OXIDATION_V].map(math.isfinite)]
    if v_range is None:
        top = max(DEFAULT_V_SPAN[1], float(finite.max()) + 0.3 if len(finite) else 0.0)
        v_range = (DEFAULT_V_SPAN[0], math.ceil(top * 2) / 2)
    try:
        bottom, top = map(float, v_range)
    except (TypeError, ValueError):
        bottom = top = math.nan
    if not (math.isfinite(bottom) and math.isfinite(top) and bottom < top):
        raise InvalidInputError(
            f"v_range={v_range!r} must be two finite voltages (low, high) with low < high, in V "
            f"vs {K.ion_label(ion)}, e.g. (0, 6)"
        )
    ox = frame[K.OXIDATION_V].clip(upper=top).fillna(top)
    red = frame[K.REDUCTION_V].clip(lower=bottom)
    names = list(frame["name"])
    from ..thermo.window import window_text  # the one formatter of a window

    hover = [
        f"{formula_html(n)}: {window_text(r, o, reference=False)}"
        for n, r, o in zip(names, frame[K.REDUCTION_V], frame[K.OXIDATION_V])
    ]
    fig = new_figure(fig)
    kwargs.setdefault("marker_color", LINE_COLOR)
    # beyond HORIZONTAL_TICKS bars the formulas no longer fit upright under them: the bars
    # lie down, formulas read on the y axis (top to bottom in input order), voltage on x
    horizontal = len(names) > HORIZONTAL_TICKS
    cat, val = ("y", "x") if horizontal else ("x", "y")
    fig.add_bar(
        **{cat: names, val: ox - red},
        base=red,
        orientation="h" if horizontal else "v",
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        name="stability window",
        showlegend=False,
        **kwargs,
    )
    span = top - bottom
    notes: list[dict[str, Any]] = []  # added at once: one by one is quadratic in plotly
    narrow: dict[str, list[Any]] = {"x": [], "y": [], "hovertext": []}
    for name, lo, hi, true_lo, true_hi in zip(
        names, red, ox, frame[K.REDUCTION_V], frame[K.OXIDATION_V]
    ):
        if true_hi > top or not math.isfinite(true_hi):  # cut at the axis: say so
            notes.append(
                {
                    cat: name,
                    val: top,
                    "text": ("∞" if not math.isfinite(true_hi) else f"{fmt_number(true_hi)} V")
                    + (" →" if horizontal else " ↑"),
                    "showarrow": False,
                    **({"xanchor": "left"} if horizontal else {"yanchor": "bottom"}),
                    "font": {"size": 10, "color": LINE_COLOR},
                }
            )
        elif hi - lo < NARROW_FRACTION * span:  # a hairline: mark it and write its numbers
            text = window_text(true_lo, true_hi, reference=False)
            narrow[cat].append(name)
            narrow[val].append((lo + hi) / 2)
            narrow["hovertext"].append(
                f"{formula_html(name)}: {text}" + ("" if "no window" in text else " (narrow)")
            )
            notes.append(
                {
                    cat: name,
                    val: hi,
                    "text": text,
                    "showarrow": False,
                    # along its bar, not across the neighbours
                    **(
                        {"xanchor": "left", "xshift": 10}
                        if horizontal
                        else {"textangle": -90, "yanchor": "bottom", "yshift": 8}
                    ),
                    "font": {"size": 9, "color": LINE_COLOR},
                }
            )
    if narrow["x"]:
        fig.add_scatter(
            **narrow,
            mode="markers",
            marker={
                "symbol": "diamond-tall" if horizontal else "diamond-wide",
                "size": 14,
                "color": LINE_COLOR,
            },
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    if notes:
        fig.update_layout(annotations=[*fig.layout.annotations, *notes])
    categories: dict[str, Any] = {
        "tickmode": "array",
        "tickvals": names,
        "ticktext": [formula_html(n) for n in names],
        "tickangle": 0,  # never slanted or on their side (plotly's own choice is 90°)
    }
    if horizontal:  # first material on top, as the table reads
        categories["autorange"] = "reversed"
    fig.update_layout(
        **{
            f"{val}axis": {"title": K.label(K.VOLTAGE, ion=ion), "range": [bottom, top]},
            f"{cat}axis": categories,
        },
        title="Electrochemical stability windows",
        bargap=0.35,
        margin={"t": 70},
    )
    if horizontal:  # a bar a formula's height, whatever the count
        fig.update_layout(height=max(400, 160 + BAR_HEIGHT_PX * len(names)))
    return fig


def _one_ion(windows: Any) -> str:
    """The ion of the windows' voltage axis; windows vs different ions share no axis."""
    if isinstance(windows, pd.DataFrame) or not isinstance(windows, list | tuple):
        return K.table_ion(windows)
    ions = {K.table_ion(w) for w in windows}
    if len(ions) > 1:
        raise InvalidInputError(
            f"the windows are vs different ions ({', '.join(sorted(ions))}): their voltages "
            "share no axis; draw one figure per ion"
        )
    return ions.pop() if ions else "Li"


def _as_frame(windows: pd.DataFrame | Iterable[StabilityWindow]) -> pd.DataFrame:
    if isinstance(windows, pd.DataFrame):
        need = {K.REDUCTION_V, K.OXIDATION_V}
        if not need <= set(windows.columns):
            raise InvalidInputError(
                f"window_bars needs columns {sorted(need)}; got {list(windows.columns)}"
            )
        name_col = "input" if "input" in windows else K.REDUCED_FORMULA
        if name_col not in windows:
            raise InvalidInputError(
                "window_bars needs a column naming each material: 'reduced_formula' or 'input'"
            )
        _check_count(len(windows))
        out = pd.DataFrame(
            {
                "name": windows[name_col].astype(str).to_numpy(),
                K.REDUCTION_V: numeric(windows, K.REDUCTION_V, "window_bars"),
                K.OXIDATION_V: numeric(windows, K.OXIDATION_V, "window_bars"),
            }
        )
        out = out.dropna(subset=[K.REDUCTION_V]).reset_index(drop=True)
        if out.empty:
            raise InvalidInputError(
                f"window_bars: none of the {len(windows)} rows has a reduction limit to draw"
            )
        return out
    if isinstance(windows, str) or not isinstance(windows, Iterable):
        raise InvalidInputError(
            f"window_bars takes a list of StabilityWindow or a DataFrame, not "
            f"{type(windows).__name__}"
        )
    items = list(itertools.islice(windows, MAX_BARS + 1))
    if not items:
        raise InvalidInputError("window_bars got no windows")
    _check_count(len(items), exact=False)
    bad = [w for w in items if not hasattr(w, "reduction_v")]
    if bad:
        raise InvalidInputError(
            f"window_bars got {type(bad[0]).__name__} {bad[0]!r:.60}: give StabilityWindow "
            "results (ssenb.thermo.stability_window) or a DataFrame"
        )
    return pd.DataFrame(
        {
            "name": [w.formula for w in items],
            K.REDUCTION_V: [w.reduction_v for w in items],
            K.OXIDATION_V: [w.oxidation_v for w in items],
        }
    )


def _check_count(n: int, *, exact: bool = True) -> None:
    if n > MAX_BARS:
        got = n if exact else f"more than {MAX_BARS}"
        raise InvalidInputError(
            f"window_bars draws at most {MAX_BARS} windows, got {got}: pick the ones to "
            "compare, e.g. frame.head(50)"
        )
