"""Shared pieces of the widgets: figure swapping and a status line.

The status line never lets an exception escape a callback.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..errors import SsenbError

if TYPE_CHECKING:
    import plotly.graph_objects as go


def figure_widget(fig: go.Figure | None = None) -> go.FigureWidget:
    """A plotly FigureWidget (needs anywidget), optionally holding ``fig``'s content."""
    import plotly.graph_objects as go

    widget = go.FigureWidget()
    if fig is not None:
        swap(widget, fig)
    return widget


def swap(widget: go.FigureWidget, fig: go.Figure) -> None:
    """Replace the traces and layout of a FigureWidget with those of ``fig``."""
    _drop_overlays(widget)
    with widget.batch_update():
        widget.data = ()
        widget.add_traces(list(fig.data))
        widget.layout = _complete(fig.layout)


def clear(widget: go.FigureWidget, message: str = "") -> None:
    """Empty a FigureWidget, leaving ``message`` where the plot was (no stale picture)."""
    import plotly.graph_objects as go

    layout = go.Layout(
        template="plotly_white",
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[{"text": html.escape(message), "showarrow": False, "font": {"size": 14}}]
        if message
        else [],
        height=300,
    )
    _drop_overlays(widget)
    with widget.batch_update():
        widget.data = ()
        widget.layout = _complete(layout)


def _drop_overlays(widget: go.FigureWidget) -> None:
    """Tell the browser to remove the current annotations and shapes.

    A new layout without them does not: plotly leaves empty arrays out of the message,
    so the browser would keep the old ones (a previous material's marker line).
    """
    if widget.layout.annotations:
        widget.layout.annotations = []
    if widget.layout.shapes:
        widget.layout.shapes = []


def _complete(layout: go.Layout) -> go.Layout:
    """``layout`` with title, shapes and annotations set even when empty.

    A FigureWidget sends the browser only the keys a new layout has, so a title or a
    voltage marker of the previous figure would otherwise stay on screen.
    """
    import plotly.graph_objects as go

    out = go.Layout(layout)
    if out.title.text is None:
        out.title.text = ""
    if out.shapes is None or len(out.shapes) == 0:
        out.shapes = []
    if out.annotations is None or len(out.annotations) == 0:
        out.annotations = []
    return out


class Status:
    """An HTML line telling the user what is happening or what went wrong."""

    def __init__(self) -> None:
        import ipywidgets as w

        self.widget = w.HTML(value="")

    def info(self, text: str) -> None:
        self.widget.value = f"<span style='color:#1f4e79'>{html.escape(text)}</span>"

    def error(self, text: str) -> None:
        self.widget.value = f"<span style='color:#b00020'>⚠ {html.escape(text)}</span>"

    @property
    def text(self) -> str:
        """The status line as shown (HTML)."""
        return self.widget.value

    @property
    def message(self) -> str:
        """The status line as plain text."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.widget.value))

    @contextmanager
    def working(self, text: str) -> Iterator[None]:
        """Show ``text`` while the block runs; any error is shown here, never raised.

        ssenb's own errors say what to fix; anything else (a dependency failing on a
        hostile input, an exhausted resource) is named so the user can report it.
        KeyboardInterrupt still stops.
        """
        self.info(text + " …")
        try:
            yield
        except SsenbError as err:
            self.error(str(err))
        except Exception as err:  # no exception may escape a widget callback
            self.error(f"could not finish ({type(err).__name__}: {str(err)[:300]})")
        else:
            if self.widget.value.endswith("…</span>"):
                self.info("done")

    @property
    def failed(self) -> bool:
        """Whether the last step ended in an error."""
        return "⚠" in self.widget.value
