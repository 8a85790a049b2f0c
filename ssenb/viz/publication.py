"""Journal-ready figures: print sizes in mm, fonts in pt, subscripted formulas, no titles.

Opt-in: nothing here changes plotly's global state. :func:`publication_style` returns a
restyled copy of a figure; :func:`ssenb.viz.export.save_figure` then writes SVG/PDF and
PNG at a given dpi.

Sizes follow the common journal column widths (ACS, RSC, Elsevier, Nature: about 85 mm for
one column and 170–180 mm for two) and their 7–9 pt minimum font size at print size. The
layout is made at CSS's 96 px per inch, so a figure of ``width_mm`` is ``width_mm / 25.4 *
96`` px wide, PDFs come out at the physical size, and a PNG at ``dpi`` uses
``scale = dpi / 96``.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Literal

from ..errors import InvalidInputError
from ..results import formula_html

if TYPE_CHECKING:
    import plotly.graph_objects as go

#: CSS pixels per inch: plotly lays out in CSS px, Chromium prints 96 of them per inch.
CSS_PX_PER_INCH = 96.0
MM_PER_INCH = 25.4
PT_PER_INCH = 72.0
#: Column widths (mm) of a typical journal page.
COLUMN_WIDTH_MM: dict[str, float] = {"single": 85.0, "double": 180.0}
#: Font sizes journals accept at print size (pt).
FONT_PT_RANGE = (6.0, 12.0)

Column = Literal["single", "double"]


def mm_to_px(mm: float) -> float:
    """Length at print size (mm) in CSS px (96 per inch).

    Parameters
    ----------
    mm : float
        Length at print size, mm.

    Returns
    -------
    float
        The same length in CSS px (85 mm -> 321.3 px).
    """
    return float(mm) / MM_PER_INCH * CSS_PX_PER_INCH


def pt_to_px(pt: float) -> float:
    """Font size at print size (pt, 72 per inch) in CSS px.

    Parameters
    ----------
    pt : float
        Font size at print size, pt.

    Returns
    -------
    float
        The same size in CSS px (8 pt -> 10.67 px).
    """
    return float(pt) / PT_PER_INCH * CSS_PX_PER_INCH


def publication_style(
    fig: go.Figure,
    *,
    column: Column | float = "single",
    height_mm: float | None = None,
    font_pt: float = 8.0,
    font_family: str = "Arial, Helvetica, sans-serif",
    keep_title: bool = False,
) -> go.Figure:
    """A copy of ``fig`` at journal print size: width in mm, fonts in pt, no in-figure title.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure to restyle; it is not modified.
    column : "single", "double" or float
        Print width: one column (85 mm), two columns (180 mm), or a width in mm.
    height_mm : float, optional
        Print height (mm); default 0.75 × the width for one column, 0.45 × for two.
    font_pt : float
        Font size at print size (pt, 6 to 12; journals ask for 7–9). Annotations get
        ``font_pt - 1``, never below 6 pt.
    font_family : str
        CSS font list; Arial/Helvetica is what most journals ask for.
    keep_title : bool
        Keep the figure's title (default: drop it; the caption says what the figure is).

    Returns
    -------
    plotly.graph_objects.Figure
        A new figure sized ``mm_to_px(width_mm)`` × ``mm_to_px(height_mm)`` CSS px; save it with
        ``save_figure(fig, stem, formats=("svg", "pdf", "png"), dpi=300)``.

    Raises
    ------
    InvalidInputError
        An unknown column name, a width outside 20–250 mm, or a font outside 6–12 pt.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> fig = publication_style(go.Figure(go.Bar(x=["a"], y=[1])), column="single")
    >>> round(fig.layout.width), round(fig.layout.font.size, 2)
    (321, 10.67)
    """
    import plotly.graph_objects as go

    if isinstance(column, str):
        if column not in COLUMN_WIDTH_MM:
            raise InvalidInputError(
                f"column={column!r} is not a column width; use 'single' (85 mm), 'double' (180 mm) or a width in mm"
            )
        width_mm = COLUMN_WIDTH_MM[column]
    else:
        width_mm = float(column)
        if not 20.0 <= width_mm <= 250.0:
            raise InvalidInputError(
                f"column={column!r} mm is not a printable width; use 20 to 250 mm"
            )
    lo, hi = FONT_PT_RANGE
    if not lo <= float(font_pt) <= hi:
        raise InvalidInputError(
            f"font_pt={font_pt!r} is outside {lo:g}–{hi:g} pt; journals ask for 7–9 pt"
        )
    if height_mm is None:
        height_mm = width_mm * (0.75 if width_mm < 120 else 0.45)
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    size = pt_to_px(font_pt)
    small = pt_to_px(max(lo, font_pt - 1))
    line = pt_to_px(0.75)
    out.update_layout(
        width=round(mm_to_px(width_mm)),
        height=round(mm_to_px(height_mm)),
        autosize=False,
        template="simple_white",
        font={"family": font_family, "size": size, "color": "black"},
        margin={"l": 4, "r": 4, "t": 4 if not keep_title else size * 3, "b": 4},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    if not keep_title:
        out.update_layout(title_text="")
    axis = {
        "automargin": True,
        "showline": True,
        "linecolor": "black",
        "linewidth": line,
        "ticks": "outside",
        "tickwidth": line,
        "ticklen": size / 2.5,
        "title_font_size": size,
        "tickfont_size": size,
    }
    out.update_xaxes(**axis)
    out.update_yaxes(**axis)
    for ann in out.layout.annotations:
        ann.font.size = min(ann.font.size or size, small) if ann.font.size else small
        ann.font.family = font_family
    out.update_layout(legend_font_size=small, coloraxis_colorbar_tickfont_size=small)
    for trace in out.data:
        if hasattr(trace, "textfont"):
            trace.textfont.size = small
        colorbar = getattr(getattr(trace, "marker", None), "colorbar", None)
        if colorbar is not None and getattr(trace.marker, "showscale", None):
            colorbar.thickness = size
            colorbar.tickfont.size = small
        if getattr(trace, "colorbar", None) is not None and trace.type in ("heatmap", "contour"):
            trace.colorbar.thickness = size
            trace.colorbar.tickfont.size = small
    meta = out.layout.meta if isinstance(out.layout.meta, dict) else {}
    out.layout.meta = {**meta, "ssenb_print_size_mm": [width_mm, height_mm]}
    return out


__all__ = [
    "COLUMN_WIDTH_MM",
    "CSS_PX_PER_INCH",
    "formula_html",
    "mm_to_px",
    "pt_to_px",
    "publication_style",
]
