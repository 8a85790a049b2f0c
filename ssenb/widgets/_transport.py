"""The Explorer's Transport tab: the BVSE pathway, the barriers, and the σ-vs-barrier map.

The map needs the 3D barrier of every OBELiX structure (254 in the training split). That
is never computed inside a widget callback: the first time the tab is opened, one
background thread per OBELiX table (shared by every Explorer in the kernel) runs
:func:`ssenb.transport.migration_barriers` with the disk cache, moving a progress bar;
the tab stays usable and the map appears when it is done. Later kernels read the cached
rows (one small JSON file per structure under ssenb's derived-data folder, see
:mod:`ssenb.transport.batch`) in about a second. Measured on this project's 2-core
machine: ~30 s for the 254 training structures at 0.2 Å.
"""

from __future__ import annotations

import html
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from .. import keys as K
from ._common import FigureSlot, Status

if TYPE_CHECKING:
    import pandas as pd

    from ..summary import MaterialSummary

WAITING_FOR_MAP = "placing it among the OBELiX materials: computing their barriers …"
PATHWAY_HEIGHT_PX = 650  # the 3D scene needs room next to its colour bar and legend
MAP_HEIGHT_PX = 480


@dataclass
class _MapJob:
    """One background computation of the OBELiX barriers (shared per table)."""

    frame: pd.DataFrame
    done: int = 0
    total: int = 0
    table: pd.DataFrame | None = None
    error: str | None = None
    thread: threading.Thread | None = None
    listeners: list[Callable[[], None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def finished(self) -> bool:
        """Whether the table (or an error) is there."""
        return self.table is not None or self.error is not None


_JOBS: list[_MapJob] = []
_JOBS_LOCK = threading.Lock()


def _job_for(frame: pd.DataFrame) -> _MapJob:
    """The (possibly running or finished) job for this OBELiX table; started if new."""
    with _JOBS_LOCK:
        for job in _JOBS:
            if job.frame is frame:
                return job
        job = _MapJob(frame=frame)
        _JOBS.append(job)
    rows = frame[frame[K.STRUCTURE].notna()] if K.STRUCTURE in frame else frame.iloc[:0]
    job.total = len(rows)
    job.thread = threading.Thread(
        target=_run, args=(job, rows), name="ssenb-obelix-barrier-map", daemon=True
    )
    job.thread.start()
    return job


def _run(job: _MapJob, rows: pd.DataFrame) -> None:
    """Compute the barriers (bounded: one landscape per row, each under the grid limit)."""
    from ..summary import TRANSPORT_RESOLUTION_A
    from ..transport import migration_barriers

    def step(done: int, total: int) -> None:
        job.done = done
        for listener in list(job.listeners):
            listener()

    try:
        table = migration_barriers(
            rows, resolution=TRANSPORT_RESOLUTION_A, progress=False, cache="disk", on_row=step
        )
        for col in (K.LOG10_SIGMA, K.CENSORED):  # a censored σ is drawn as a bound
            if col in rows:
                table[col] = rows[col]
        job.table = table
    except Exception as err:  # nothing may escape a background thread unseen
        job.error = f"{type(err).__name__}: {err}"
    for listener in list(job.listeners):
        listener()


class TransportTab(w.VBox):
    """Pathway figure and barriers of the current material, and its place on the σ map.

    Parameters
    ----------
    obelix : callable
        Returns the OBELiX table whose structures make the map (the Explorer's picker).
    status : Status
        Where failures are reported (nothing is raised from a callback).
    barriers : DataFrame, optional
        Barriers already computed (:func:`ssenb.transport.migration_barriers` joined with
        ``log10_sigma``): used as the map at once, nothing is computed.
    """

    def __init__(
        self,
        obelix: Callable[[], pd.DataFrame],
        status: Status,
        *,
        barriers: pd.DataFrame | None = None,
    ) -> None:
        self._obelix = obelix
        self._status = status
        self._barriers = barriers
        self._job: _MapJob | None = None
        self._summary: MaterialSummary | None = None
        self._material: Any = None
        self._draw_lock = threading.Lock()
        self.note = w.HTML()
        # made and drawn when the tab is shown (the Explorer shows and hides them)
        self.figure_slot = FigureSlot(shown=False)
        self.map_note = w.HTML()
        self.progress = w.IntProgress(
            value=0, min=0, max=1, description="OBELiX", layout=w.Layout(visibility="hidden")
        )
        self.map_slot = FigureSlot(shown=False)
        super().__init__(
            [self.note, self.figure_slot.box, self.map_note, self.progress, self.map_slot.box]
        )

    @property
    def slots(self) -> tuple[FigureSlot, FigureSlot]:
        """The pathway and map figures' slots."""
        return (self.figure_slot, self.map_slot)

    @property
    def figure(self) -> Any:
        """FigureWidget of the BVSE pathway."""
        return self.figure_slot.figure

    @property
    def map(self) -> Any:
        """FigureWidget of the measured-σ-vs-barrier map."""
        return self.map_slot.figure

    # --- the map ------------------------------------------------------------------------
    @property
    def barriers(self) -> pd.DataFrame | None:
        """The OBELiX barriers behind the map, once they are there."""
        if self._barriers is None and self._job is not None and self._job.table is not None:
            self._barriers = self._job.table
        return self._barriers

    @property
    def job(self) -> _MapJob | None:
        """The background computation, if one was started (``job.thread`` to join)."""
        return self._job

    def activate(self) -> None:
        """The tab was opened: start the map's computation once, then draw it."""
        if self.barriers is None and self._job is None:
            try:
                self._job = _job_for(self._obelix())
            except Exception as err:  # e.g. the OBELiX table cannot be loaded
                self._status.error(f"OBELiX barrier map: {type(err).__name__}: {err}")
                return
            self._job.listeners.append(self._on_progress)
            self.progress.max = max(self._job.total, 1)
        self._draw_map()

    def _on_progress(self) -> None:
        job = self._job
        if job is None:
            return
        self.progress.value = job.done
        if job.finished:
            self._draw_map()

    def _placed(self) -> tuple[str, float, float | None] | None:
        """(label, 3D barrier eV, measured log10 σ or None) of the current material."""
        s = self._summary
        if s is None or s.transport is None:
            return None
        sigma = None
        m = self._material
        if hasattr(m, "columns") and K.LOG10_SIGMA in m.columns and len(m) == 1:
            value = float(m[K.LOG10_SIGMA].iloc[0])
            sigma = value if math.isfinite(value) else None
        return (s.label, float(s.transport.barrier_3d), sigma)

    def _draw_map(self) -> None:
        """Swap the map figure for the current material; errors go to the note, not up."""
        from ..viz import barrier_conductivity_scatter

        with self._draw_lock:
            try:
                table = self.barriers
                running = self._job is not None and not self._job.finished
                self.progress.layout.visibility = "visible" if running else "hidden"
                if table is None:
                    job = self._job
                    if job is not None and job.error is not None:
                        self.map_slot.clear("no map")
                        self.map_note.value = _error(f"OBELiX barrier map failed: {job.error}")
                    else:
                        self.map_slot.clear(WAITING_FOR_MAP if job is not None else "")
                        self.map_note.value = ""
                    return
                placed = self._placed()
                fig = barrier_conductivity_scatter(table, highlight=placed)
                self.map_slot.draw(lambda: fig.update_layout(height=MAP_HEIGHT_PX))
                self.map_note.value = html.escape(_map_caption(self._summary, placed))
            except Exception as err:  # no exception may escape a callback
                self.map_slot.clear("no map")
                self.map_note.value = _error(f"{type(err).__name__}: {err}")

    # --- the material -------------------------------------------------------------------
    def show(self, summary: MaterialSummary | None, material: Any) -> None:
        """The pathway and barriers of ``summary``'s material, and its place on the map."""
        from ..viz import landscape_pathway_3d

        self._summary, self._material = summary, material
        if summary is None or summary.transport is None:
            self.figure_slot.clear("no pathway")
            self.note.value = _transport_html(summary) if summary is not None else ""
        else:
            self.note.value = summary.transport._repr_html_() + _disorder_caveat(summary.transport)
            landscape = summary.transport

            def make() -> Any:  # when the tab is shown
                try:
                    fig = landscape_pathway_3d(landscape)
                except Exception as err:  # e.g. a cell too large to draw: barriers still show
                    self.note.value += _error(f"pathway figure: {type(err).__name__}: {err}")
                    return _empty_figure("no pathway figure")
                return fig.update_layout(height=PATHWAY_HEIGHT_PX)

            self.figure_slot.draw(make)
        if self._job is not None or self._barriers is not None:
            self._draw_map()

    def reset(self, message: str) -> None:
        """Clear the tab (a new material is on its way, or none)."""
        self._summary, self._material = None, None
        self.figure_slot.clear(message)
        self.note.value = html.escape(message)
        if self._job is not None or self._barriers is not None:
            self._draw_map()


def _map_caption(summary: MaterialSummary | None, placed: tuple | None) -> str:
    """What the map shows, and what it says about the current material."""
    base = "Measured log10 σ vs the 3D BVSE barrier (0.2 Å grid) of the OBELiX structures. "
    if summary is None:
        return base
    if placed is None:
        if not summary.has_structure:
            return base + f"{summary.label} is not placed: a BVSE barrier needs a structure."
        return base + f"{summary.label} is not placed: BVSE could not treat it (see above)."
    label, barrier, sigma = placed
    if not math.isfinite(barrier):
        return base + f"{label}: no 3D pathway below 10 eV."
    where = f"measured log10 σ {sigma:.2f}" if sigma is not None else "no measured σ: dashed line"
    return base + f"{label}: 3D barrier {barrier:.2f} eV, {where}."


def _disorder_caveat(landscape: Any) -> str:
    """What a BVSE barrier of a disordered structure can and cannot say (issue 19).

    LGPS (OBELiX j8q) gets 0.69 eV, above tetragonal LLZO's 0.53 eV (OBELiX wyu), though
    LGPS conducts about 10⁴ times better (measured activation energy about 0.25 eV, against
    about 0.4-0.5 eV for tetragonal LLZO). BVSE moves one
    ion through a static, occupancy-averaged framework; fast conductors move by concerted
    hops through partly filled sites, which this picture misses. Said beside the number.
    """
    if not any("disordered" in str(n) for n in getattr(landscape, "notes", [])):
        return ""
    return (  # its own paragraph: the landscape's provenance line ends in a <small> too
        "<p><small>"
        + html.escape(
            "Disordered structure: the barrier is that of one Li⁺ in an occupancy-averaged, "
            "static framework. It ranks materials within a family; across families it can "
            "mislead, because fast conductors such as LGPS move by concerted hops that this "
            "picture misses (LGPS gets 0.69 eV here, above tetragonal LLZO's 0.53 eV, though its "
            "measured activation energy, about 0.25 eV, is lower)."
        )
        + "</small></p>"
    )


def _transport_html(summary: MaterialSummary) -> str:
    """What the Transport tab says when there is no landscape to draw."""
    if not summary.has_structure:
        return html.escape(
            "Li migration pathways need a structure: pick an OBELiX entry with a CIF or upload one."
        )
    return _error(f"Not computed: {summary.errors.get('transport') or ''}")


def _empty_figure(message: str) -> Any:
    import plotly.graph_objects as go

    return go.Figure(
        layout={
            "template": "plotly_white",
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "annotations": [{"text": html.escape(message), "showarrow": False}],
            "height": 300,
        }
    )


def _error(text: str) -> str:
    return f"<span style='color:#b00020'>{html.escape(text)}</span>"


__all__ = ["TransportTab"]
