"""scripts/render_figures.py fails when it writes nothing (issue 19), and says why."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def render_figures(monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "render_figures", REPO / "scripts" / "render_figures.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "EXTRA_RENDERERS", [])
    return module


def test_a_step_that_writes_nothing_fails(render_figures, tmp_path, capsys):
    render_figures.EXTRA_RENDERERS.append(lambda out: [])
    assert render_figures.main(["--only", "extra", "-o", str(tmp_path)]) == 1
    assert "failed: extra: <lambda>" in capsys.readouterr().err


def test_a_step_that_warns_a_file_away_fails(render_figures, tmp_path, capsys):
    import warnings

    from ssenb.errors import SsenbWarning

    def half(out):
        (out / "a.png").write_bytes(b"")
        warnings.warn("b.png not written (no Chrome)", SsenbWarning, stacklevel=1)
        return [out / "a.png"]

    render_figures.EXTRA_RENDERERS.append(half)
    assert render_figures.main(["--only", "extra", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "not written: b.png not written (no Chrome)" in err


def test_writing_every_file_succeeds(render_figures, tmp_path):
    render_figures.EXTRA_RENDERERS.append(lambda out: [out])
    assert render_figures.main(["--only", "extra", "-o", str(tmp_path)]) == 0


def test_paper_figures_without_kaleido_stop_at_once_naming_the_extra(
    render_figures, monkeypatch, tmp_path
):
    monkeypatch.setitem(sys.modules, "kaleido", None)  # import kaleido -> ImportError
    with pytest.raises(SystemExit, match=r"ssenb\[figures\]"):
        render_figures.main(["--only", "paper", "-o", str(tmp_path)])
