"""Fault battery, transport, pipeline and command line: hostile input gets ssenb's own error.

Each case here once ended in a bare numpy/pandas/Python error, a silent wrong answer or a
hang; the expected messages are written from the rule (name the cause and the fix).
"""

import math

import pandas as pd
import pytest
from pymatgen.core import Lattice, Structure

from ssenb import keys as K
from ssenb.cli import main
from ssenb.design import pareto_rank, screen_candidates
from ssenb.errors import InvalidInputError
from ssenb.transport import barrier_row, landscape, migration_barriers, migration_landscape


def _lif(lattice=None, coords=((0, 0, 0), (0.5, 0.5, 0.5)), species=("F", "Li")):
    return Structure(lattice if lattice is not None else Lattice.cubic(2.4), species, coords)


# --- transport: the cell itself -------------------------------------------------------
@pytest.mark.parametrize(
    ("lattice", "match"),
    [
        (Lattice.from_parameters(math.nan, 3, 3, 90, 90, 90), r"cell lengths \[nan"),
        (Lattice.from_parameters(math.inf, 3, 3, 90, 90, 90), r"cell lengths \[inf"),
        (Lattice([[0, 0, 0], [0, 3, 0], [0, 0, 3]]), r"each must be a finite 0\.5-200 Å"),
        (Lattice([[3, 0, 0], [0, 3, 0], [3, 3, 0]]), r"volume 0 Å³ .* coplanar"),
        (Lattice.cubic(1e-6), r"each must be a finite 0\.5-200 Å"),  # used to hang for hours
    ],
    ids=["nan", "inf", "zero-vector", "coplanar", "1e-6 Å"],
)
def test_an_impossible_cell_is_refused_by_name(lattice, match):
    with pytest.raises(InvalidInputError, match=match):
        migration_landscape(_lif(lattice), resolution=0.2)


def test_non_finite_coordinates_and_placeholder_species_are_refused():
    with pytest.raises(InvalidInputError, match="NaN or infinite coordinates"):
        migration_landscape(_lif(coords=((0, 0, 0), (math.nan, 0.5, 0.5))), resolution=0.2)
    with pytest.raises(InvalidInputError, match=r"placeholder species X0\+.*replace_species"):
        migration_landscape(_lif(species=("X0+", "Li")), resolution=0.2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_grid_points": math.nan}, r"max_grid_points=nan must be a whole number"),
        ({"max_grid_points": "many"}, r"max_grid_points='many' must be a whole number"),
        ({"ion": ["Li"]}, r"ion=\['Li'\] has no softBV parameters"),
    ],
)
def test_bad_arguments_are_refused_not_ignored(kwargs, match):
    with pytest.raises(InvalidInputError, match=match):
        migration_landscape(_lif(), resolution=0.2, **kwargs)


def test_the_pair_sum_is_bounded(monkeypatch):
    # LiF at 0.2 Å: 1331 points / 13.8 Å³ x one F sphere of radius <= 10 Å: < 4.1e5 terms
    monkeypatch.setattr(landscape, "MAX_PAIR_TERMS", 1000)
    with pytest.raises(InvalidInputError, match=r"above MAX_PAIR_TERMS=1e\+03.*overlapping"):
        migration_landscape(_lif(), resolution=0.2)


# --- transport: barrier_row and the batch ---------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"structure": "LiF"}, "needs a pymatgen Structure, not str"),
        ({"structure": None}, "needs a pymatgen Structure, not NoneType"),
        ({"resolution": "fine"}, "resolution='fine' must be a number in Å"),
        ({"cache": "forever"}, "cache='forever'; use one of memory, disk, none"),
    ],
)
def test_barrier_row_checks_before_the_cache(kwargs, match):
    args = {"structure": _lif(), "resolution": 0.2, "cache": "none", **kwargs}
    with pytest.raises(InvalidInputError, match=match):
        barrier_row(args.pop("structure"), **args)


@pytest.mark.parametrize(
    "data", [None, "LiF", _lif(), {"a": _lif()}], ids=["None", "str", "Structure", "dict"]
)
def test_batch_refuses_what_is_no_list_instead_of_iterating_it(data):
    with pytest.raises(InvalidInputError, match=r"wrap one structure in a list"):
        migration_barriers(data, progress=False)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"ion": "Xx"}, "ion='Xx' has no softBV parameters"),
        ({"resolution": math.nan}, r"resolution=nan Å is outside"),
        ({"on_row": "print"}, r"on_row='print' must be a function"),
    ],
)
def test_batch_arguments_fail_once_before_any_row(kwargs, match):
    with pytest.raises(InvalidInputError, match=match):
        migration_barriers([_lif()], progress=False, **kwargs)


def test_batch_rows_that_are_not_structures_say_so_and_good_rows_survive():
    table = migration_barriers([_lif(), "LiF", 3], resolution=0.2, progress=False, cache="none")
    assert table[K.ERROR].iloc[0] is None and table[K.PATHWAY_DIMENSION].iloc[0] == 3
    assert (
        table[K.ERROR]
        .iloc[1]
        .startswith("InvalidInputError: migration_landscape needs a pymatgen Structure")
    )
    assert "not int" in table[K.ERROR].iloc[2]


# --- pipeline: the model's answer and the checkpoint files ----------------------------
class _Model:
    def __init__(self, answer):
        self.answer = answer

    def predict(self, rows, return_std=False):
        return self.answer(len(rows))


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        (lambda n: ([1.0] * (n - 1), [0.1] * (n - 1)), "returned 0 means and 0 stds for 1"),
        (lambda n: ([math.nan] * n, [0.1] * n), "NaN or infinite"),
    ],
    ids=["one-short", "nan"],
)
def test_a_bad_model_answer_is_recorded_not_trusted(answer, match):
    # a short answer used to be broadcast over the rows, a NaN left without a reason
    table = screen_candidates(["LiF", "Li2S"], model=_Model(answer), progress=False).table
    assert table[K.PREDICTION].isna().all()
    assert table[K.ERROR].fillna("").str.contains(match).all(), table[K.ERROR].tolist()


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ckpt") / "run"
    screen_candidates(["LiF", "Li2S"], checkpoint=folder, progress=False)
    return folder, (folder / "chunk_00000.csv").read_text()


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (lambda t: t.replace(",0.0,", ",xyz,", 1), r"is damaged .*delete chunk_00000\.csv"),
        (lambda t: "\n".join(t.splitlines()[:2]), r"holds 1 rows that are not this chunk's 2"),
        (lambda t: t.replace("Li2S", "Li3N"), r"not this chunk's 2 candidates"),
        (lambda t: "", r"cannot be read .*delete chunk_00000\.csv"),
    ],
    ids=["wrong-type", "row-lost", "other-input", "empty"],
)
def test_a_damaged_checkpoint_chunk_is_refused_not_half_used(finished_run, damage, match):
    folder, text = finished_run
    chunk = folder / "chunk_00000.csv"
    chunk.write_text(damage(text))
    try:
        with pytest.raises(InvalidInputError, match=match):
            screen_candidates(["LiF", "Li2S"], checkpoint=folder, progress=False)
    finally:
        chunk.write_text(text)


def test_a_binary_chunk_and_a_non_path_checkpoint_are_refused(finished_run):
    folder, text = finished_run
    chunk = folder / "chunk_00000.csv"
    chunk.write_bytes(b"\x00\xff\xfe" * 50)
    try:
        with pytest.raises(InvalidInputError, match="cannot be read"):
            screen_candidates(["LiF", "Li2S"], checkpoint=folder, progress=False)
    finally:
        chunk.write_text(text)
    for bad in (3, "a\x00b"):
        with pytest.raises(InvalidInputError, match="is not a folder path"):
            screen_candidates(["LiF"], checkpoint=bad, progress=False)


def test_a_resumed_run_equals_the_fresh_one_for_awkward_inputs(tmp_path):
    # a guard for the chunk check above (it must not refuse a chunk of this very run)
    items = ["LiF", "", "Li1e400S"]  # an empty and a refused formula survive the CSV trip
    first = screen_candidates(items, checkpoint=tmp_path / "r", progress=False).table
    again = screen_candidates(items, checkpoint=tmp_path / "r", progress=False).table
    pd.testing.assert_frame_equal(first, again)
    assert first[K.ERROR].notna().tolist() == [False, True, True]


@pytest.mark.parametrize(
    ("table", "match"),
    [
        (None, "needs a DataFrame"),
        (pd.DataFrame(), "lacks the objective columns"),
        (
            pd.DataFrame(
                {
                    K.WINDOW_WIDTH_V: ["wide"],
                    K.ANODE_REACTION_ENERGY: [0.0],
                    K.CATHODE_REACTION_ENERGY: [0.0],
                }
            ),
            r"'window_width_V' holds non-numbers \(e\.g\. 'wide'\)",
        ),
    ],
    ids=["None", "empty", "strings"],
)
def test_pareto_rank_refuses_what_is_no_decision_table(table, match):
    with pytest.raises(InvalidInputError, match=match):
        pareto_rank(table, use_sigma=False)


def test_pareto_rank_without_sigma_column_names_the_option():
    table = pd.DataFrame(
        {K.WINDOW_WIDTH_V: [1.0], K.ANODE_REACTION_ENERGY: [0.0], K.CATHODE_REACTION_ENERGY: [0.0]}
    )
    with pytest.raises(InvalidInputError, match="use_sigma=False"):
        pareto_rank(table)
    assert pareto_rank(table, use_sigma=False).tolist() == [1]


# --- the command line -----------------------------------------------------------------
@pytest.mark.parametrize("seed", ["-1", str(2**32)])
def test_cv_seed_out_of_range_is_one_line(seed, capsys):
    assert main(["cv", "--seed", seed]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("ssenb: error: argument --seed:")
    assert f"{seed} is outside 0..{2**32 - 1}" in err[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["screen", "LiF", "-o", ""],
        ["candidates", "LiF", "--model", " "],
        ["candidates", "LiF", "--checkpoint", ""],
        ["report", "LiF", "-o", ""],
    ],
)
def test_an_empty_path_is_refused_not_ignored(argv, capsys):
    """-o "" used to print the table instead of writing it; --model "" ran without a model."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("ssenb: error: argument") and "an empty name is not a path" in err[-1]


def test_numpy_stays_quiet_on_a_nan_cell(recwarn):
    with pytest.raises(InvalidInputError, match="cell lengths"):
        migration_landscape(_lif(Lattice.from_parameters(math.nan, 3, 3, 90, 90, 90)))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
