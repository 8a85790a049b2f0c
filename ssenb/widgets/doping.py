"""Doping explorer: pick a host, a site and a dopant, see the candidates' E_hull and window."""

from __future__ import annotations

import html
import math
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

import ipywidgets as w
import traitlets

from .. import keys as K
from ..results import fmt_number
from ._common import Status, figure_widget, swap
from ._snapshot import Snapshot

if TYPE_CHECKING:
    import plotly.graph_objects as go
    from pymatgen.core import Structure

    from ..mlip import DopingResult, Potential, PotentialBenchmark


class DopingExplorer(Snapshot, w.VBox):
    """Dope a host, rank the relaxed orderings on an MLIP hull, and show the best one's window.

    Energies come from the potential of ``benchmark`` (never from DFT); the error bars are
    its E_hull MAE on DFT entries. Computing a new candidate relaxes structures with the
    potential (minutes on CPU) and runs only on "Compute"; results in ``cache`` show at once.

    An ipywidgets widget: place it in layouts and ``observe`` its traits ``result`` (the
    shown :class:`~ssenb.mlip.DopingResult`, or None), ``window`` (the
    :class:`~ssenb.thermo.StabilityWindow` of the lowest-E_hull candidate on the MLIP hull,
    V vs Li/Li⁺, or None) and ``message`` (the status line as plain text).

    Parameters
    ----------
    benchmark : PotentialBenchmark
        The potential's benchmark; its MLIP energies are the competing phases.
    hosts : dict of str to Structure, optional
        Host structures by name, e.g. from :func:`ssenb.data.load_mp2020_entries`, OBELiX
        (:func:`ssenb.data.load_obelix`) or a CIF (:meth:`add_cif`).
    cache : dict, optional
        Precomputed :class:`~ssenb.mlip.DopingResult` objects (e.g. from
        :func:`ssenb.mlip.read_results`); one matching host, site, dopant and fraction is
        shown without computing.
    potential : Potential, optional
        Used when a candidate is not cached (default: CHGNet, loaded on first use).
    substitute_kwargs : dict, optional
        Passed to :func:`ssenb.mlip.substitute` (max_cells, n_relax, steps ...).
    background : bool
        Compute in a thread (default): the kernel stays free, the elapsed time shows and
        Cancel stops the relaxation under way at its next ionic step (nothing of it is
        cached). False computes in the callback (scripts, tests).

    Examples
    --------
    >>> from ssenb.mlip import read_results
    >>> cache = read_results("tutorials/data/mlip_cache.json")  # doctest: +SKIP
    >>> ex = DopingExplorer(cache["benchmark"], hosts=..., cache=cache)  # doctest: +SKIP
    """

    result = traitlets.Any(None, allow_none=True)
    window = traitlets.Any(None, allow_none=True)
    message = traitlets.Unicode("")

    def __init__(
        self,
        benchmark: PotentialBenchmark,
        *,
        hosts: Mapping[str, Structure] | None = None,
        cache: Mapping[str, object] | None = None,
        potential: Potential | None = None,
        substitute_kwargs: Mapping[str, Any] | None = None,
        background: bool = True,
    ) -> None:
        from ..errors import InvalidInputError
        from ..mlip import PotentialBenchmark

        if not isinstance(benchmark, PotentialBenchmark):
            raise InvalidInputError(
                f"DopingExplorer needs a PotentialBenchmark (its MLIP energies are the "
                f"competing phases), not {type(benchmark).__name__}: pass "
                "ssenb.mlip.benchmark_potential(...) or read_results(...)['benchmark']"
            )
        if hosts is not None and not isinstance(hosts, Mapping):
            raise InvalidInputError(
                f"hosts must map names to Structures, not {type(hosts).__name__}"
            )
        if cache is not None and not isinstance(cache, Mapping):
            raise InvalidInputError(
                f"cache must map names to results (read_results), not {type(cache).__name__}"
            )
        self.benchmark = benchmark
        self.hosts = dict(hosts or {})
        # a cache from read_results also holds the benchmark: keep the doping results only
        self.cache = cast(
            "list[DopingResult]",
            [r for r in (cache or {}).values() if hasattr(r, "substitutions")],
        )
        self.potential = potential
        self.substitute_kwargs = dict(substitute_kwargs or {})
        elements = sorted(
            {el.symbol for e in benchmark.mlip_entries() for el in e.composition.elements}
        )
        self.host = w.Dropdown(options=list(self.hosts), description="host")
        self.site = w.Dropdown(options=[], description="site")
        self.dopant = w.Dropdown(options=elements, description="dopant")
        self.dopant_note = w.HTML(
            "<small>Dopants: the elements of the potential's competing phases ("
            + html.escape(", ".join(elements))
            + "). Another dopant needs a benchmark whose entries cover its chemical system "
            "(ssenb.mlip.benchmark_potential), or its hull would miss every phase with it. "
            "Fractions: those a supercell of up to "
            f"{self._limits()[0]} host cells and {self._limits()[1]} atoms holds in whole "
            "atoms.</small>"
        )
        self.fraction = w.SelectionSlider(
            options=[("1/2", 0.5)],
            value=0.5,
            description="fraction",
            continuous_update=False,
        )
        self.compute_button = w.Button(
            description="Compute",
            button_style="primary",
            tooltip="relax candidates with the potential (minutes on CPU)",
        )
        self.status = Status()
        self.figure = figure_widget()
        self.window_figure = figure_widget()
        self.table = w.HTML()
        self.window_text = w.HTML()
        for control in (self.site, self.dopant, self.fraction):
            control.observe(lambda _: self._guarded(self.show), names="value")
        self.host.observe(lambda _: self._guarded(self._host_changed), names="value")
        self.site.observe(lambda _: self._guarded(self._offer_fractions), names="value")
        self.background = background
        self.job: Any = None  # the running computation's thread, when one runs
        self._cancel = threading.Event()  # checked by the relaxation at every ionic step
        self.cancel_button = w.Button(
            description="Cancel",
            disabled=True,
            tooltip="stop the relaxation at its next ionic step; nothing of it is kept",
        )
        self.progress = w.HTML()  # elapsed time of a running computation
        self.compute_button.on_click(lambda _: self._guarded(self._compute_clicked))
        self.cancel_button.on_click(lambda _: self._guarded(self.cancel))
        super().__init__(
            [
                w.HBox([self.host, self.site]),
                w.HBox([self.dopant, self.fraction, self.compute_button, self.cancel_button]),
                self.progress,
                self.dopant_note,
                self.status.widget,
                self.figure,
                self.table,
                self.window_text,
                self.window_figure,
            ]
        )
        self._guarded(self._host_changed)

    # --- public ----------------------------------------------------------------------
    def add_cif(self, name: str, cif: str) -> None:
        """Add a host from CIF text (ordered structures only) and select it.

        Parameters
        ----------
        name : str
            Its name in the host menu.
        cif : str
            CIF text, read with :func:`ssenb.data.read_cif` (bounded; a bad file raises
            :class:`~ssenb.errors.InvalidInputError` saying why, and no host is added).
        """
        from ..data import read_cif

        self.hosts[name] = read_cif(cif)
        self.host.options = list(self.hosts)
        self.host.value = name

    def selection(self) -> tuple[str, str, str, float]:
        """What the controls say now, as one substitution to look up or compute.

        Returns
        -------
        tuple of (str, str, str, float)
            Host name, site element, dopant and fraction of the sites.
        """
        return self.host.value, self.site.value, self.dopant.value, float(self.fraction.value)

    def show(self) -> None:
        """Show the cached result of the current selection, or say that it needs computing."""
        found = self._cached()
        if found is None:
            host, site, dopant, frac = self.selection()
            self._set(None)
            self._info(
                f"{dopant} {frac:g} on {site} in {host}: not computed yet; press Compute "
                "(relaxes structures with the potential)"
            )
            return
        self._set(found)

    def compute(self) -> None:
        """Run :func:`ssenb.mlip.substitute` for the current selection (slow), here and now."""
        host, site, dopant, frac = self.selection()
        self._info(f"relaxing {dopant} {frac:g} on {site} in {host} …")
        res = self._substitute(host, site, dopant, frac)
        self.cache.append(res)
        self._set(res)

    def cancel(self) -> None:
        """Stop the running computation at the relaxation's next ionic step.

        A cooperative cancel: :func:`ssenb.mlip.relax` checks the event after every ionic
        step and raises :class:`~ssenb.errors.CancelledError`; the status line then says
        after how many steps, nothing is cached, and the controls are free again. (On an
        ``executor`` in ``substitute_kwargs`` the workers cannot see the event: the
        computation stops when the next relaxation comes back.)
        """
        if self.job is None or not self.job.is_alive():
            return
        self._cancel.set()
        self.cancel_button.disabled = True
        self._info("cancelling: the relaxation under way stops at its next ionic step …")

    def _substitute(self, host: str, site: str, dopant: str, frac: float) -> DopingResult:
        from ..mlip import substitute

        return substitute(
            self.hosts[host],
            {site: {dopant: frac}},
            competing=self.benchmark,
            potential=self.potential,
            progress=False,
            cancel=self._cancel,
            **self.substitute_kwargs,
        )

    def _compute_clicked(self) -> None:
        """Compute: in a thread with elapsed time and Cancel (the kernel stays free)."""
        if not self.background:
            self.compute()
            return
        import threading
        import time

        if self.job is not None and self.job.is_alive():
            return
        from ..errors import CancelledError

        host, site, dopant, frac = self.selection()
        what = f"{dopant} {frac:g} on {site} in {host}"
        self._cancel.clear()
        self._busy(True)
        self._info(
            f"relaxing {what} in the background (minutes on CPU; Cancel stops it at the "
            "next ionic step)"
        )
        start = time.monotonic()

        def run() -> None:
            done = threading.Event()

            def tick() -> None:
                while not done.wait(1.0):
                    if not self._cancel.is_set():
                        self.progress.value = (
                            f"<small>relaxing {html.escape(what)}: "
                            f"{time.monotonic() - start:.0f} s</small>"
                        )

            threading.Thread(target=tick, daemon=True).start()
            try:
                res = self._substitute(host, site, dopant, frac)
            except CancelledError as err:  # stopped at an ionic step: nothing to cache
                done.set()
                self._busy(False)
                self._info(f"{what}: {err}")
                return
            except Exception as err:  # reported on the status line, never lost
                done.set()
                self._busy(False)
                self.status.error(str(err) if _ours(err) else f"{type(err).__name__}: {err}")
                self.message = self.status.message
                return
            done.set()
            if self._cancel.is_set():  # cancelled after the last ionic step: dropped
                self._busy(False)
                self._info(f"{what}: cancelled after its relaxations ended; nothing was cached")
                return
            self.cache.append(res)
            self._busy(False)
            if self.selection() == (host, site, dopant, frac):
                self._guarded(lambda: self._set(res))
            else:
                self._info(f"{what} computed in {time.monotonic() - start:.0f} s (cached)")

        self.job = threading.Thread(target=run, daemon=True)
        self.job.start()

    def _busy(self, running: bool) -> None:
        self.compute_button.disabled = running
        self.cancel_button.disabled = not running
        if not running:
            self.progress.value = ""

    # --- internals -------------------------------------------------------------------
    def _guarded(self, fn: Callable[[], None]) -> None:
        """Run a callback; any error goes to the status line, never out of the callback."""
        try:
            fn()
        except KeyboardInterrupt:
            raise
        except Exception as err:  # a widget callback must not raise
            self.status.error(f"{type(err).__name__}: {err}" if not _ours(err) else str(err))
            self.message = self.status.message

    def _info(self, text: str) -> None:
        self.status.info(text)
        self.message = self.status.message

    def _host_changed(self) -> None:
        """New host: offer its elements as sites, then show what is cached."""
        if not self.host.value:
            self._info("no host structure: pass hosts={name: Structure} or use add_cif")
            return
        s = self.hosts[self.host.value]
        sites = sorted({el.symbol for el in s.composition.elements})
        self.site.options = sites
        self._offer_fractions()
        self.show()

    def _limits(self) -> tuple[int, int]:
        """Largest supercell (host cells, atoms) the computation will try."""
        import inspect

        from ..mlip import substitute

        params = inspect.signature(substitute).parameters
        kw = self.substitute_kwargs
        return (
            int(kw.get("max_cells", params["max_cells"].default)),
            int(kw.get("max_atoms", params["max_atoms"].default)),
        )

    def _offer_fractions(self) -> None:
        """Offer only fractions of the site a supercell within the limits realises."""
        if not self.host.value or not self.site.value:
            return
        options = realisable_fractions(
            self.hosts[self.host.value], self.site.value, *self._limits()
        )
        old = float(self.fraction.value)
        values = [v for _, v in options]
        keep = min(values, key=lambda v: (abs(v - old), v))
        self.fraction.options = options
        self.fraction.value = keep

    def _cached(self) -> DopingResult | None:
        """The cached result of the current selection, if any."""
        host, site, dopant, frac = self.selection()
        formula = self.hosts[host].composition.reduced_formula if host in self.hosts else None
        for r in self.cache:
            if r.host == formula and r.substitutions == {site: {dopant: frac}}:
                return r
        return None

    def _set(self, res: DopingResult | None) -> None:
        """Show ``res`` (bars, table, window) or clear every view for None."""
        from ..viz.mlip import doping_bars

        self.result = res
        if res is None:
            self.window = None
            swap(self.figure, _empty("no candidates for this selection yet"))
            swap(self.window_figure, _empty(""))
            self.table.value = ""
            self.window_text.value = ""
            return
        swap(self.figure, doping_bars(res))
        self.table.value = res._repr_html_() + _table_html(res)
        self._show_window(res)

    def _show_window(self, res: DopingResult) -> None:
        """The best candidate's window on the MLIP hull, or why there is none."""
        from ..mlip.substitute import CANDIDATE
        from ..thermo import choose_ion, stability_window
        from ..viz import window_profile

        best = res.best()
        if best is None:
            self.window = None
            self.window_text.value = "<i>no converged candidate: no window</i>"
            swap(self.window_figure, _empty("no window"))
            self._info("no converged candidate")
            return
        ion, _ = choose_ion(best[K.FORMULA])  # the candidate's own mobile ion, not always Li
        win = stability_window(best[K.FORMULA], ion=ion, source=res.entry_source())
        self.window = win
        swap(self.window_figure, window_profile(win).update_layout(height=420))
        ox = f"{win.oxidation_v:.2f}" if math.isfinite(win.oxidation_v) else "∞"
        self.window_text.value = (
            f"<b>{html.escape(win.formula)}</b> ({html.escape(str(best[CANDIDATE]))}): window "
            f"{win.reduction_v:.2f}–{ox} V vs {K.ion_label(win.ion)} on the "
            f"{html.escape(res.potential)} hull"
            + (" (metastable: window of its decomposition products)" if win.metastable else "")
        )
        e_hull = fmt_number(
            best[K.E_HULL_MLIP] * 1000, "meV/atom", digits=0, spread=best[K.E_HULL_ERR] * 1000
        )
        self._info(f"best: {best[K.FORMULA]} {best[CANDIDATE]}, E_hull {e_hull} ({res.potential})")


def realisable_fractions(
    structure: Structure, site: str, max_cells: int, max_atoms: int
) -> list[tuple[str, float]]:
    """Fractions of ``site`` a supercell holds in whole atoms, as (label, value) options.

    A supercell of m host cells (m ≤ ``max_cells``, m × sites ≤ ``max_atoms``) has
    m × n sites of the element; it holds the fractions k / (m n), k = 1 … m n. Others
    (3/8 of one Co per cell within 4 cells) would only fail after Compute.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> lco = Structure(Lattice.cubic(3), ["Li", "Co", "O", "O"], [[0, 0, 0], [.5, .5, .5],
    ...                 [.25, .25, .25], [.75, .75, .75]])
    >>> [label for label, _ in realisable_fractions(lco, "Co", 4, 32)]
    ['1/4', '1/3', '1/2', '2/3', '3/4', '1']
    """
    from fractions import Fraction

    n = round(structure.composition[site])
    found: set[Fraction] = set()
    for m in range(1, max_cells + 1):
        if m * len(structure) > max_atoms or n == 0:
            break
        found.update(Fraction(k, m * n) for k in range(1, m * n + 1))
    return [(str(f), float(f)) for f in sorted(found)]


def _ours(err: BaseException) -> bool:
    """Whether ssenb raised it on purpose (its message is then shown as it is)."""
    from ..errors import SsenbError

    return isinstance(err, SsenbError)


def _empty(text: str) -> go.Figure:
    """A blank figure that says ``text`` where the plot would be."""
    import plotly.graph_objects as go

    fig = go.Figure(layout={"template": "plotly_white", "height": 300})
    if text:
        fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _table_html(res: DopingResult) -> str:
    """The candidates' table (E_hull in eV/atom) as escaped HTML."""
    from ..mlip.substitute import CANDIDATE, SUPERCELL

    cols = [
        CANDIDATE,
        K.FORMULA,
        SUPERCELL,
        K.N_ATOMS,
        K.E_HULL_MLIP,
        K.E_HULL_ERR,
        K.CONVERGED,
        K.ERROR,
    ]
    from ..results import for_people

    table = for_people(res.table[cols])  # 1 meV/atom; round-off is 0, never "-0.000"
    table.columns = [_header(c) for c in cols]
    return table.to_html(index=False, escape=True, na_rep="", float_format=lambda x: f"{x:.3f}")


def _header(column: str) -> str:
    """A column's name for a reader: its label with unit from keys, else words."""
    from ..mlip.substitute import CANDIDATE, SUPERCELL

    own = {CANDIDATE: "candidate", SUPERCELL: "supercell (copies of the host cell)"}
    return own.get(column) or K.LABELS.get(column) or column.replace("_", " ")


__all__ = ["DopingExplorer"]
