import plotly.graph_objects as go
import pytest

from ssenb.errors import SsenbWarning
from ssenb.viz import save_figure


def test_html_always_written(tmp_path):
    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    written = save_figure(fig, tmp_path / "sub" / "f", formats=("html",))
    assert written == [tmp_path / "sub" / "f.html"]
    assert "<script" in written[0].read_text()


def test_missing_static_backend_warns_with_the_fix(tmp_path, monkeypatch):
    fig = go.Figure(go.Bar(x=["a"], y=[1]))

    def no_kaleido(*args, **kwargs):
        raise ValueError("Image export using the 'kaleido' engine requires the kaleido package")

    monkeypatch.setattr(go.Figure, "write_image", no_kaleido)
    with pytest.warns(SsenbWarning, match="apt-get install chromium"):
        written = save_figure(fig, tmp_path / "f", formats=("html", "png"))
    assert [p.suffix for p in written] == [".html"]
