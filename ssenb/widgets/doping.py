"""Doping explorer: pick a host, a site and a dopant, see the candidates' E_hull and window."""

from __future__ import annotations

import html
import math
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
        self.fraction = w.FloatSlider(
            value=0.5,
            min=0.125,
            max=1.0,
            step=0.125,
            description="fraction",
            readout_format=".3f",
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
        self.compute_button.on_click(lambda _: self._guarded(self.compute))
        super().__init__(
            [
                w.HBox([self.host, self.site]),
                w.HBox([self.dopant, self.fraction, self.compute_button]),
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
        """Run :func:`ssenb.mlip.substitute` for the current selection (slow)."""
        from ..mlip import substitute

        host, site, dopant, frac = self.selection()
        self._info(f"relaxing {dopant} {frac:g} on {site} in {host} …")
        res = substitute(
            self.hosts[host],
            {site: {dopant: frac}},
            competing=self.benchmark,
            potential=self.potential,
            progress=False,
            **self.substitute_kwargs,
        )
        self.cache.append(res)
        self._set(res)

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
        self.show()

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
    return res.table[cols].to_html(index=False, float_format=lambda x: f"{x:.3f}", escape=True)


__all__ = ["DopingExplorer"]
