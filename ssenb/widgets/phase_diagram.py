"""Phase-diagram viewer: type a chemical system, see its convex hull."""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import traitlets

from ..errors import InvalidInputError
from ._common import Status, clear, figure_widget, swap
from ._snapshot import Snapshot


def parse_system(text: str) -> list[str]:
    """``"Li-P-S"`` -> ["Li", "P", "S"], or an error naming what is malformed."""
    from ..data.materials import to_element

    parts = [p.strip() for p in str(text).split("-")]
    if len(parts) < 2 or any(not p for p in parts):
        raise InvalidInputError(
            f"system={text!r} is malformed: write element symbols joined by '-', e.g. 'Li-P-S'"
        )
    return [str(to_element(p, argname=f"element {p!r} in system {text!r}")) for p in parts]


class PhaseDiagramViewer(Snapshot, w.VBox):
    """Type a chemical system (``Li-P-S``), see its convex hull; ``figure`` is observable."""

    system_elements = traitlets.List(traitlets.Unicode())

    def __init__(self, system: str = "Li-P-S", *, source: Any = None, **kwargs: Any) -> None:
        self.source = source
        self.system = w.Text(value=system, description="system", continuous_update=False)
        self.status = Status()
        self.figure = figure_widget()
        super().__init__([self.system, self.status.widget, self.figure], **kwargs)
        self.system.observe(lambda _: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Redraw the hull of the typed system (a malformed system goes to the status line)."""
        from ..viz import hull_diagram

        ok = False
        with self.status.working(f"building the {self.system.value} hull"):
            elements = parse_system(self.system.value)
            swap(self.figure, hull_diagram(elements, source=self.source))
            self.system_elements = elements
            ok = True
        if not ok:
            clear(self.figure, "no diagram: see the message above")
