"""DopingExplorer driven headlessly with a fake potential (hand-made energies, no torch)."""

from __future__ import annotations

import numpy as np
import pytest

from ssenb.mlip import benchmark_potential, substitute
from ssenb.mlip.potential import Calculation
from ssenb.widgets.doping import DopingExplorer

IDS = (
    "mp-1018134-GGA",
    "mp-54-GGA",
    "mp-23-GGA",
    "mp-12957-GGA",
    "mp-22526-GGA+U",
    "mp-2348641-GGA+U",
)
ABOVE = 0.010  # eV/atom above the LiCoO2-LiNiO2 tie line


class Fake:
    name, version, energy_convention = "Fake", "1.0", "MP2020-corrected"

    def __init__(self, table, mix):
        self.table, self.mix = table, mix

    def calculate(self, s):
        f = s.composition.reduced_formula
        e = self.table[f] if f in self.table else self.mix(s.composition)
        return Calculation(e * len(s), np.zeros((len(s), 3)), np.zeros((3, 3)))


@pytest.fixture(scope="module")
def world(mirror):
    from ssenb.data import load_mp2020_entries

    by_id = {e.entry_id: e for e in load_mp2020_entries()}
    entries = [by_id[i] for i in IDS]
    table = {e.composition.reduced_formula: e.energy_per_atom for e in entries}

    def mix(c):
        x = c["Ni"] / (c["Ni"] + c["Co"])
        return (1 - x) * table["LiCoO2"] + x * table["LiNiO2"] + ABOVE

    pot = Fake(table, mix)
    bench = benchmark_potential(entries, pot, progress=False)
    host = by_id["mp-22526-GGA+U"].structure
    half = substitute(
        host, {"Co": {"Ni": 0.5}}, competing=bench, potential=pot, max_cells=2, progress=False
    )
    return bench, pot, {"LiCoO2 (mp-22526)": host}, {"half": half}


def test_cached_result_shows_bars_window_and_traits(world):
    bench, pot, hosts, cache = world
    ex = DopingExplorer(bench, hosts=hosts, cache=cache, potential=pot)
    ex.site.value = "Co"
    ex.dopant.value = "Ni"
    ex.fraction.value = 0.5
    assert ex.result is cache["half"]
    bars = ex.figure.data[0]
    assert list(bars.y[1:]) == pytest.approx([ABOVE, ABOVE], abs=1e-9)
    assert ex.window is not None and ex.window.source == "Fake 1.0 (MLIP, MP2020-compatible)"
    # the fake potential is exact: an error that rounds to 0 is left out (fmt_number)
    assert "E_hull 10 meV/atom (Fake 1.0" in ex.message
    assert "Li2CoNiO4" in ex.window_text.value
    assert len(ex.window_figure.data) > 0


def test_changing_fraction_clears_then_compute_fills(world):
    bench, pot, hosts, cache = world
    ex = DopingExplorer(
        bench,
        hosts=hosts,
        cache=cache,
        potential=pot,
        substitute_kwargs={"max_cells": 4, "max_atoms": 16, "n_relax": 2},
        background=False,
    )
    ex.site.value, ex.dopant.value, ex.fraction.value = "Co", "Ni", 0.5
    seen = []
    ex.observe(lambda change: seen.append(change["new"]), names="result")
    ex.fraction.value = 0.25
    assert ex.result is None and "not computed yet" in ex.message
    assert len(ex.figure.data) == 0
    ex.compute_button.click()
    assert ex.result is not None and ex.result.substitutions == {"Co": {"Ni": 0.25}}
    assert seen[0] is None and seen[-1] is ex.result
    # Li4Co3NiO8: 1/4 of the way from LiCoO2 to LiNiO2, ABOVE over the tie line
    assert ex.figure.data[0].y[1] == pytest.approx(ABOVE, abs=1e-9)


def test_errors_go_to_the_status_line(world):
    bench, pot, hosts, cache = world
    ex = DopingExplorer(bench, hosts=hosts, cache=cache, potential=pot, background=False)
    ex.site.value, ex.dopant.value = "Co", "Ni"
    # issue 19: 3/8 needs 8 Co sites, beyond the default 4 cells: not offered at all
    offered = [v for _, v in ex.fraction.options]
    assert 0.375 not in offered and offered == [0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1.0]
    ex.dopant.value = "Li"
    ex.site.value = "O"
    ex.fraction.value = 0.5
    ex.compute_button.click()  # Li+ on O2- leaves the cell charged
    assert "⚠" in ex.status.text
    assert ex.result is None


def test_table_reads_for_people_and_dopants_say_why(world):
    """issue 19: snake_case headers and "-0.000" in the table; dopants unexplained."""
    bench, pot, hosts, cache = world
    ex = DopingExplorer(bench, hosts=hosts, cache=cache, potential=pot)
    ex.site.value, ex.dopant.value, ex.fraction.value = "Co", "Ni", 0.5
    table = ex.table.value
    assert "MLIP energy above hull (eV/atom)" in table and "e_above_hull_mlip" not in table
    assert "-0.000" not in table and "e-1" not in table
    assert "Co, Li, Ni, O" in ex.dopant_note.value and "benchmark" in ex.dopant_note.value
    # an empty figure hid the axes; the bars that replace it show them (x tick labels)
    assert ex.figure.layout.xaxis.visible is True


def test_without_hosts_the_widget_says_so(world):
    bench, *_ = world
    ex = DopingExplorer(bench)
    assert "no host structure" in ex.message


def test_add_cif_adds_a_structure_host_and_refuses_a_bad_file(world):
    from pymatgen.core import Lattice, Structure

    from ssenb.errors import InvalidInputError

    bench, *_ = world
    ex = DopingExplorer(bench)
    lif = Structure(Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    ex.add_cif("LiF", lif.to(fmt="cif"))
    assert isinstance(ex.hosts["LiF"], Structure) and ex.host.value == "LiF"
    assert ex.hosts["LiF"].composition.reduced_formula == "LiF"
    with pytest.raises(InvalidInputError, match="CIF"):
        ex.add_cif("broken", "data_x\n_cell_length_a 3\n")
    assert "broken" not in ex.hosts and ex.host.value == "LiF"


def test_compute_runs_in_the_background_and_can_be_cancelled(world):
    """issue 19: a real Compute blocked the kernel for 76 s with no progress and no cancel."""
    import threading

    bench, pot, hosts, _cache = world
    gate = threading.Event()

    class Slow(type(pot)):
        def calculate(self, s):
            gate.wait(30)
            return super().calculate(s)

    slow = Slow(pot.table, pot.mix)
    kwargs = {"max_cells": 4, "max_atoms": 16, "n_relax": 1}
    ex = DopingExplorer(bench, hosts=hosts, potential=slow, substitute_kwargs=kwargs)
    ex.site.value, ex.dopant.value, ex.fraction.value = "Co", "Ni", 0.25
    ex.compute_button.click()  # returns at once: the work is in ex.job
    assert ex.job.is_alive() and ex.compute_button.disabled and not ex.cancel_button.disabled
    assert "in the background" in ex.message
    gate.set()
    ex.job.join(60)
    assert ex.result is not None and ex.result.substitutions == {"Co": {"Ni": 0.25}}
    assert not ex.compute_button.disabled and ex.cancel_button.disabled


def test_cancel_stops_the_relaxation_itself_and_caches_nothing(world):
    """Cancel used to only stop waiting: the relaxation ran on in the background, unused."""
    import threading

    bench, pot, hosts, _cache = world
    started, go = threading.Event(), threading.Event()

    class Pushed(type(pot)):  # a constant force: the host would relax for all 300 steps
        calls = 0

        def calculate(self, s):
            Pushed.calls += 1
            if Pushed.calls == 3:  # the 2nd ionic step of the host waits for the Cancel
                started.set()
                go.wait(30)
            calc = super().calculate(s)
            forces = np.zeros((len(s), 3))
            forces[:, 0] = 1.0
            return type(calc)(calc.energy_eV, forces, calc.stress_GPa)

    kwargs = {"max_cells": 4, "max_atoms": 16, "n_relax": 1, "steps": 300}
    ex = DopingExplorer(bench, hosts=hosts, potential=Pushed(pot.table, pot.mix),
                        substitute_kwargs=kwargs)  # fmt: skip
    ex.site.value, ex.dopant.value, ex.fraction.value = "Co", "Ni", 0.75
    before = list(ex.cache)
    ex.compute_button.click()
    assert started.wait(30)
    canceller = threading.Thread(target=ex.cancel_button.click)  # from another thread
    canceller.start()
    canceller.join(10)
    assert "cancelling" in ex.message and ex.cancel_button.disabled and ex.compute_button.disabled
    go.set()
    ex.job.join(30)
    assert not ex.job.is_alive()
    # stopped at the step under way: 1 initial force call + 2 steps, not 301
    assert Pushed.calls == 3
    assert "cancelled after 2 ionic steps of relaxing LiCoO2" in ex.message
    assert ex.result is None and ex.cache == before  # nothing partial cached
    assert not ex.compute_button.disabled and ex.cancel_button.disabled  # idle again
    assert ex.progress.value == ""


def test_a_background_failure_reaches_the_status_line(world):
    bench, pot, hosts, _cache = world
    ex = DopingExplorer(bench, hosts=hosts, potential=pot)
    ex.site.value, ex.dopant.value, ex.fraction.value = "O", "Li", 0.5
    ex.compute_button.click()  # Li+ on O2- leaves the cell charged
    ex.job.join(60)
    assert "⚠" in ex.status.text and "oxidation state" in ex.message  # ssenb's own words
    assert not ex.compute_button.disabled and ex.cancel_button.disabled
