"""Shared pieces of the widgets: figure swapping and a status line.

The status line never lets an exception escape a callback.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable, Iterator
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


class FigureSlot:
    """Where a figure goes: its FigureWidget is made, and drawn, only when it is shown.

    Why: plotly's FigureWidget import alone costs about 1.5 s (nbformat, jsonschema), and
    building figures for tabs nobody has opened yet delays the first result. Until then
    :attr:`box` (the widget to put in a layout) holds a one-line HTML message; a figure
    already made is always kept up to date, so no stale picture stays on screen.

    Parameters
    ----------
    shown : bool
        Whether the slot is on screen now (a standalone widget's figure is; one in a
        closed tab is not, until :meth:`show`).
    """

    def __init__(self, *, shown: bool = True) -> None:
        import ipywidgets as w

        self.box = w.VBox()
        self.box.figure_slot_of = self  # how a snapshot finds the slot behind the box
        self._message = w.HTML()
        self.box.children = (self._message,)
        self._figure: go.FigureWidget | None = None
        self._pending: Callable[[go.FigureWidget], None] | None = None
        self._draws = False  # whether what is pending is a drawing (worth a widget)
        # the pending drawing's figure (made by prepare() for a static copy, without a
        # widget) and how to make it
        self._make: Callable[[], go.Figure] | None = None
        self._static: go.Figure | None = None
        self._shown = shown
        # the Transport tab's map is drawn from a worker thread while the user switches tabs
        self._lock = threading.RLock()

    @property
    def made(self) -> bool:
        """Whether the FigureWidget exists yet."""
        return self._figure is not None

    @property
    def figure(self) -> go.FigureWidget:
        """The FigureWidget, made and brought up to date on first access.

        A drawing that fails leaves the figure empty (never the previous material's
        picture) and raises, for the caller's status line.
        """
        with self._lock:
            if self._figure is None:
                self._figure = figure_widget()
                self.box.children = (self._figure,)
            if self._pending is not None:
                action, self._pending = self._pending, None
                try:
                    action(self._figure)
                except Exception:
                    clear(self._figure, "could not draw this figure: see the status line")
                    raise
            return self._figure

    def show(self) -> None:
        """The slot is on screen: draw what is waiting."""
        with self._lock:
            self._shown = True
            if self._pending is not None and (self._figure is not None or self._draws):
                self.figure  # noqa: B018 (makes and draws)

    def prepare(self) -> None:
        """Draw what is waiting now, shown or not (before a notebook is saved or exported).

        A slot whose widget is made draws into it. One never shown only makes the figure
        (:meth:`static` returns it, the widget shows it when the slot is first shown):
        every FigureWidget carries plotly.js (about 5 MB) in its widget state, so a
        notebook's saved widget state would grow by that per tab nobody opened.
        A drawing that fails leaves the slot empty and raises, for the status line.
        """
        with self._lock:
            if self._figure is not None:
                if self._pending is not None:
                    self.figure  # noqa: B018 (draws)
                return
            if self._draws and self._make is not None and self._static is None:
                try:
                    fig = self._make()
                except Exception:
                    self.clear("could not draw this figure: see the status line")
                    raise
                self._static = fig
                self._pending = lambda widget: swap(widget, fig)

    def static(self) -> go.Figure | str:
        """What the slot shows, for a static copy: its figure, or its message as HTML.

        Makes a waiting figure (:meth:`prepare`) but never a FigureWidget.
        """
        import plotly.graph_objects as go

        with self._lock:
            self.prepare()
            if self._figure is not None:
                return go.Figure(self._figure)
            if self._static is not None:
                return self._static
            return self._message.value

    def hide(self) -> None:
        """The slot left the screen: later drawings wait for :meth:`show`."""
        with self._lock:
            self._shown = False

    def draw(self, make: Callable[[], go.Figure]) -> None:
        """Show ``make()``'s figure now if the slot is on screen or already made, else later."""
        with self._lock:
            self._pending = lambda widget: swap(widget, make())
            self._make, self._static = make, None
            self._draws = True
            if self._shown or self._figure is not None:
                self.figure  # noqa: B018

    def clear(self, message: str = "") -> None:
        """Empty the slot, leaving ``message`` (no FigureWidget is made for a message)."""
        with self._lock:
            self._pending = lambda widget: clear(widget, message)
            self._make, self._static = None, None
            self._draws = False
            if self._figure is None:
                self._message.value = _message_html(message)
            else:
                self.figure  # noqa: B018


def _message_html(message: str) -> str:
    if not message:
        return ""
    return (
        "<div style='padding:2em;text-align:center;color:#555;font-size:14px'>"
        f"{html.escape(message)}</div>"
    )


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
    so the browser would keep the old ones (a previous material's marker line). A 3D
    scene's labels (a quaternary hull's phase names) are annotations of the scene, not of
    the layout: without their traces they would float over the next figure or message.
    """
    if widget.layout.annotations:
        widget.layout.annotations = []
    if widget.layout.shapes:
        widget.layout.shapes = []
    for name in widget.layout.to_plotly_json():
        if name.startswith("scene") and widget.layout[name].annotations:
            widget.layout[name].annotations = []


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
    if out.width is None:  # plotly's default is a fixed 700 px: fill the panel instead
        out.autosize = True
    for axis in (out.xaxis, out.yaxis):  # clear() hid them; a new figure shows its axes
        if axis.visible is None:
            axis.visible = True
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

    @contextmanager
    def briefly(self, text: str) -> Iterator[None]:
        """Like :meth:`working`, but the line shown before comes back when all went well.

        For steps that only draw what was computed (a tab opened): the status keeps
        saying what the analysis found.
        """
        before = self.widget.value
        with self.working(text):
            yield
        if not self.failed:
            self.widget.value = before

    @property
    def failed(self) -> bool:
        """Whether the last step ended in an error."""
        return "⚠" in self.widget.value
