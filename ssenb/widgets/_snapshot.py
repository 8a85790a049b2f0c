"""Static copies of a widget, for notebooks that are saved, exported to HTML or printed.

A widget is drawn by the widget manager's JavaScript in a running JupyterLab. An exported
or printed notebook has no widget manager (offline, none can be loaded), so a widget's
place there is blank. :meth:`Snapshot.snapshot` leaves, in the output of the cell that
calls it, what the widget shows now as ordinary outputs: its text and settings as HTML and
each figure as a plotly figure, displayed like any figure at the end of a cell (with
:func:`ssenb.viz.use_notebook_renderer` the export embeds plotly.js once and the figures
are drawn offline).
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import SsenbWarning

if TYPE_CHECKING:
    import plotly.graph_objects as go

#: Where a saved notebook has the widget but no widget manager, this note stands in for it.
FALLBACK = (
    "<p style='color:#555'><i>{name}: an interactive widget, drawn when the notebook runs. "
    "A saved or exported copy shows its figures where <code>snapshot()</code> (the "
    "Explorer: <code>draw_all()</code>) was called.</i></p>"
)


class Snapshot:
    """Mixin for ssenb's widgets: a static copy of what the widget shows now.

    Put it before the ipywidgets base class (``class Explorer(Snapshot, w.VBox)``).
    """

    def snapshot(self) -> None:
        """Show the widget's current text, settings and figures as static cell outputs.

        Why: a notebook exported to HTML, printed or opened without a kernel cannot draw
        widgets; call this in a cell after the widget has its final state, and the saved
        notebook keeps what it showed. Live, the copy appears below the cell (it does not
        follow later changes of the widget; call again for a new copy).

        Figures are displayed through plotly's renderer: call
        :func:`ssenb.viz.use_notebook_renderer` first (the tutorials' first cell does) so
        that they survive export; otherwise an :class:`~ssenb.errors.SsenbWarning` says so.
        Outside IPython (a script) it does nothing.
        """
        import IPython
        import plotly.io as pio
        from IPython.display import HTML, display

        if IPython.get_ipython() is None:  # a script or a test: no notebook to keep it
            return
        if "notebook" not in pio.renderers.default:
            warnings.warn(
                f"plotly's renderer is {pio.renderers.default!r}: the snapshot's figures will "
                "not survive export to HTML; call ssenb.viz.use_notebook_renderer() first",
                SsenbWarning,
                stacklevel=2,
            )
        name = type(self).__name__
        display(
            HTML(f"<p><b>{html.escape(name)}</b>: static copy for a saved or exported notebook</p>")
        )
        for item in snapshot_items(self):
            display(HTML(item) if isinstance(item, str) else item)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        """The widget, plus a note an export without widget state shows in its place."""
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        if bundle is not None:
            bundle["text/html"] = FALLBACK.format(name=html.escape(type(self).__name__))
        return bundle


def snapshot_items(widget: Any) -> list[str | go.Figure]:
    """What ``widget`` shows, in screen order: HTML strings and static plotly figures.

    Walks the widget tree: a FigureWidget becomes a ``go.Figure`` with the same data and
    layout; an HTML widget its (non-empty) HTML; the controls of one row one line
    ``description: value``; a Tab each child under its title. Buttons, uploads,
    progress bars and Output areas are left out (nothing to read in a printout).
    """
    return list(_walk(widget))


def _walk(widget: Any) -> Iterator[str | go.Figure]:
    import ipywidgets as w
    import plotly.graph_objects as go

    if _hidden(widget):
        return
    slot = getattr(widget, "figure_slot_of", None)  # a FigureSlot's box: its figure, made or not
    if slot is not None:
        item = slot.static()
        if not isinstance(item, str) or item:
            yield item
    elif isinstance(widget, go.FigureWidget):
        yield go.Figure(widget)
    elif isinstance(widget, w.Tab):
        for i, child in enumerate(widget.children):
            title = widget.get_title(i) or f"tab {i + 1}"
            yield f"<h4 style='margin:1em 0 0.3em'>{html.escape(title)}</h4>"
            yield from _walk(child)
    elif isinstance(widget, w.HTML | w.HTMLMath):
        if widget.value:
            yield widget.value
    elif isinstance(widget, w.Box):
        row: list[str] = []  # neighbouring controls: one line
        for child in widget.children:
            setting = _setting(child)
            if setting is not None:
                row.append(html.escape(setting))
                continue
            if row:
                yield "<p>" + " · ".join(row) + "</p>"
                row = []
            yield from _walk(child)
        if row:
            yield "<p>" + " · ".join(row) + "</p>"


def _hidden(widget: Any) -> bool:
    """Whether the widget is not on screen (its ipywidgets layout hides it)."""
    import ipywidgets as w

    layout = getattr(widget, "layout", None)  # a FigureWidget's is plotly's, not a w.Layout
    return isinstance(layout, w.Layout) and (
        layout.display == "none" or layout.visibility == "hidden"
    )


def _not_settings() -> tuple[type, ...]:
    import ipywidgets as w

    # text is walked as HTML; buttons, uploads and progress bars say nothing in a printout
    return (w.HTML, w.HTMLMath, w.Label, w.FileUpload, w.Button, w.IntProgress, w.FloatProgress)


def _setting(widget: Any) -> str | None:
    """``description: value`` of a control (a Dropdown by its label), else None."""
    import ipywidgets as w

    if not isinstance(widget, w.ValueWidget) or isinstance(widget, _not_settings()):
        return None
    if _hidden(widget):
        return None
    value = widget.label if isinstance(widget, w.Dropdown) else widget.value
    if value is None or value == "":
        return None
    if isinstance(widget, w.FloatSlider):  # as its readout shows it (3.39, not 3.39234)
        try:
            value = format(value, widget.readout_format)
        except ValueError:  # a d3 format Python does not read
            value = f"{value:g}"
    description = getattr(widget, "description", "")
    return f"{description}: {value}" if description else str(value)
