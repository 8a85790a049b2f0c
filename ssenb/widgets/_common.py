"""Small shared pieces of the widgets: figure swapping and a status line."""

from __future__ import annotations

import html
from contextlib import contextmanager

from ..errors import SsenbError


def figure_widget(fig=None):
    """A plotly FigureWidget (needs anywidget), optionally holding ``fig``'s content."""
    import plotly.graph_objects as go

    widget = go.FigureWidget()
    if fig is not None:
        swap(widget, fig)
    return widget


def swap(widget, fig) -> None:
    """Replace the traces and layout of a FigureWidget with those of ``fig``."""
    with widget.batch_update():
        widget.data = ()
        widget.add_traces(list(fig.data))
        widget.layout = fig.layout


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
        import re

        return html.unescape(re.sub(r"<[^>]+>", "", self.widget.value))

    @contextmanager
    def working(self, text: str):
        """Show ``text`` while the block runs; show the problem instead of a traceback."""
        self.info(text + " …")
        try:
            yield
        except SsenbError as err:
            self.error(str(err))
        else:
            if self.widget.value.endswith("…</span>"):
                self.info("done")
