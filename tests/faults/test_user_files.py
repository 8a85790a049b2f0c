"""Fault battery, files the user owns: nothing outside the named path, nothing half-written.

Every file ssenb writes for a user goes through the one check and write of
:mod:`ssenb.batch` (``check_output_path``, ``write_new_file``): a link, even a broken one,
counts as an existing file; a folder is never replaced; nothing is created before every
check passed; a failed write leaves nothing behind. A cache file ssenb reads back and finds
corrupt is ignored and recomputed, as the BVSE cache's docstring promises.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from pymatgen.core import Lattice, Structure

from ssenb.errors import InvalidInputError

FIG = go.Figure(go.Bar(y=[1, 2]))


@pytest.fixture
def dangling(tmp_path):
    """``out/fig.html -> elsewhere/victim.html``, where the victim does not exist yet."""
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    victim = tmp_path / "elsewhere" / "victim.html"
    (tmp_path / "out" / "fig.html").symlink_to(victim)
    return tmp_path / "out" / "fig", victim


def test_save_figure_never_writes_through_a_broken_link(dangling):
    from ssenb.viz import save_figure

    stem, victim = dangling
    with pytest.raises(InvalidInputError, match="already exists"):
        save_figure(FIG, stem, formats=("html",))
    with pytest.raises(InvalidInputError, match="not a regular file"):
        save_figure(FIG, stem, formats=("html",), overwrite=True)
    assert not victim.exists()


def test_save_figure_checks_everything_before_creating_a_folder(tmp_path):
    from ssenb.viz import save_figure

    with pytest.raises(InvalidInputError, match="needs a plotly figure"):
        save_figure({"data": []}, tmp_path / "new" / "f", formats=("html",))
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "f.png").write_text("the user's")
    with pytest.raises(InvalidInputError, match="already exists"):  # the second target
        save_figure(FIG, tmp_path / "taken" / "f", formats=("html", "png"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["f.png"]


def test_save_figure_writes_whole_files_or_nothing(tmp_path, monkeypatch):
    from ssenb.viz import save_figure

    def half_then_fail(self, path, **_kwargs):
        open(path, "w").write("<html>half")
        raise OSError("disk full")

    monkeypatch.setattr(go.Figure, "write_html", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        save_figure(FIG, tmp_path / "f", formats=("html",))
    assert list(tmp_path.iterdir()) == []  # no f.html, no temporary left behind


def test_write_results_never_writes_through_a_broken_link(tmp_path):
    from ssenb.mlip import write_results

    victim = tmp_path / "victim.json"
    (tmp_path / "cache.json").symlink_to(victim)
    with pytest.raises(InvalidInputError, match="already exists"):
        write_results(tmp_path / "cache.json", {})
    assert not victim.exists()


CORRUPT = {
    "dimension nan": lambda row: json.dumps({**row, "pathway_dimension": "nan"}),
    "dimension inf": lambda row: json.dumps({**row, "pathway_dimension": "inf"}),
    "dimension 2.5": lambda row: json.dumps({**row, "pathway_dimension": 2.5}),
    "1 MB of brackets": lambda row: "[" * 500_000 + "]" * 500_000,
    "not UTF-8": lambda row: "\udcff",
}


@pytest.mark.parametrize("corrupt", CORRUPT.values(), ids=list(CORRUPT))
def test_a_corrupt_bvse_cache_file_is_recomputed_not_a_failed_row(tmp_path, monkeypatch, corrupt):
    from ssenb import keys as K
    from ssenb.transport import barrier_row, batch

    monkeypatch.setenv("SSENB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(batch, "_MEMORY", {})

    def computed(*_args, **_kwargs):
        raise LookupError("recomputed")

    monkeypatch.setattr(batch, "migration_landscape", computed)
    lif = Structure(Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    path = batch._disk_path(batch.structure_key(lif, "Li", 0.2))
    path.parent.mkdir(parents=True)
    row = {K.FORMULA: "LiF", K.RUN_TIME: 1.0, **dict.fromkeys(batch.VALUE_COLUMNS, 0.3)}
    path.write_bytes(corrupt(row).encode("utf-8", "surrogateescape"))
    with pytest.raises(LookupError, match="recomputed"):
        barrier_row(lif, cache="disk")
