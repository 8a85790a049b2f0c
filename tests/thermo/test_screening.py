"""The vectorised batch path against pymatgen's per-material results (the reference)."""

import math

import pandas as pd
import pytest

from ssenb.errors import InvalidInputError, UnsupportedMaterialError
from ssenb.thermo import phase_stability, screen, stability_window

KNOWN = ["Li3PS4", "Li10GeP2S12", "Li7La3Zr2O12", "LiF", "GeS2", "Li3InCl6", "Li3YCl6", "Li6PS5Cl"]


def test_screen_equals_per_material_pymatgen(mp_table):
    sample = (
        mp_table[mp_table["chemsys"].str.contains("Li")]
        .sample(25, random_state=7)["formula"]
        .tolist()
    )
    formulas = KNOWN + sample
    fast = screen(formulas, progress=False)
    assert list(fast["input"]) == formulas
    for formula, row in zip(formulas, fast.itertuples()):
        w = stability_window(formula)
        assert row.reduction_V == pytest.approx(w.reduction_v, abs=1e-6), formula
        if math.isinf(w.oxidation_v):
            assert math.isinf(row.oxidation_V)
        else:
            assert row.oxidation_V == pytest.approx(w.oxidation_v, abs=1e-6), formula
        s = phase_stability(formula)
        if s.in_data:
            assert row.e_above_hull_eV_atom == pytest.approx(s.e_above_hull, abs=1e-6), formula
        else:
            assert math.isnan(row.e_above_hull_eV_atom)
        assert set(row.decomposition) == set(s.decomposition), formula


def test_sodium_screen_matches():
    fast = screen(["Na3PS4", "NaF"], ion="Na", progress=False)
    assert fast["reduction_V"].tolist() == pytest.approx(
        [stability_window(f, ion="Na").reduction_v for f in ["Na3PS4", "NaF"]]
    )


def test_bad_rows_are_recorded_and_the_batch_goes_on():
    out = screen(["Li3PS4", "notaformula!", "LiHe", "Li3PO4"], progress=False)
    assert out["error"].isna().tolist() == [True, False, False, True]
    assert "not a chemical formula" in out.loc[1, "error"]
    assert "He" in out.loc[2, "error"]
    assert out.loc[3, "oxidation_V"] == pytest.approx(4.21, abs=0.05)


def test_raise_mode_and_bad_option():
    with pytest.raises(UnsupportedMaterialError, match="He"):
        screen(["LiHe"], errors="raise", progress=False)
    with pytest.raises(InvalidInputError, match="errors="):
        screen(["Li3PS4"], errors="ignore", progress=False)


def test_one_bad_row_never_loses_the_batch():
    out = screen(["Li3PS4", "Li1e400S", "LiCoO2"], progress=False)
    assert out["error"].isna().tolist() == [True, False, True]
    assert out.loc[2, "reduction_V"] == pytest.approx(stability_window("LiCoO2").reduction_v)
    assert out.loc[0, "oxidation_V"] == pytest.approx(stability_window("Li3PS4").oxidation_v)


def test_single_string_and_ion_alone_follow_the_window_rule():
    with pytest.raises(InvalidInputError, match="wrap a single formula"):
        screen("Li3PS4", progress=False)
    out = screen(["Li"], progress=False)
    with pytest.raises(InvalidInputError, match="is the ion Li itself") as info:
        stability_window("Li")
    assert str(info.value) in out.loc[0, "error"]


def test_window_width_column():
    out = screen(["Li3PS4", "GeS2"], progress=False)
    assert out.loc[0, "window_width_V"] == pytest.approx(
        out.loc[0, "oxidation_V"] - out.loc[0, "reduction_V"]
    )
    assert math.isinf(out.loc[1, "window_width_V"])  # no Li to release: no oxidation limit


def test_subsystems_share_the_larger_hull():
    from ssenb.thermo.screening import group_by_hull

    systems = {
        0: frozenset({"Li", "P", "S"}),
        1: frozenset({"Li", "S"}),
        2: frozenset({"Li", "Ge", "P", "S"}),
        3: frozenset({"Li", "O"}),
    }
    groups = group_by_hull(systems)
    assert groups == {frozenset({"Li", "Ge", "P", "S"}): [2, 0, 1], frozenset({"Li", "O"}): [3]}


def test_process_pool_equals_serial(mp_table):
    formulas = mp_table[mp_table["chemsys"].str.contains("Li")].sample(40, random_state=1)
    formulas = [*formulas["formula"].tolist(), "Li1e400S", "LiHe"]
    serial = screen(formulas, progress=False)
    pooled = screen(formulas, progress=False, executor=2)
    pd.testing.assert_frame_equal(serial, pooled)


def test_bad_executor():
    with pytest.raises(InvalidInputError, match="executor="):
        screen(["Li3PS4"], executor="dask", progress=False)


def test_dask_local_cluster_equals_serial(mp_table):
    distributed = pytest.importorskip("distributed")
    formulas = (
        mp_table[mp_table["chemsys"].str.contains("Li")].sample(30, random_state=2)["formula"]
    ).tolist()
    serial = screen(formulas, progress=False)
    import dask

    with (
        # forked workers start with ssenb and the data already imported: seconds, not 30 s
        dask.config.set({"distributed.worker.multiprocessing-method": "fork"}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = screen(formulas, progress=False, executor=client.get_executor())
        # each worker found the data through SSENB_DATA_DIR and used its own snapshot copy
        pids = client.run(lambda: __import__("os").getpid())
    assert len(pids) == 2
    pd.testing.assert_frame_equal(serial, on_dask)


def test_a_material_without_the_ion_is_named_in_the_table_note():
    table = screen(["Li3PS4", "Na3PS4"], progress=False)
    assert "Na3PS4" in table.attrs["note"] and "hold no Li" in table.attrs["note"]
    assert "note" not in screen(["Li3PS4"], progress=False).attrs
