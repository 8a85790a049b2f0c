import shutil

import plotly.graph_objects as go
import pytest

from ssenb.errors import InvalidInputError, SsenbWarning
from ssenb.viz import save_figure
from ssenb.viz.publication import publication_style


def test_html_always_written(tmp_path):
    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    written = save_figure(fig, tmp_path / "sub" / "f", formats=("html",))
    assert written == [tmp_path / "sub" / "f.html"]
    assert "<script" in written[0].read_text()


def test_never_overwrites_unless_asked(tmp_path):
    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    (tmp_path / "f.html").write_text("the user's file")
    with pytest.raises(InvalidInputError, match="never overwrites a file"):
        save_figure(fig, tmp_path / "f", formats=("html",))
    assert (tmp_path / "f.html").read_text() == "the user's file"
    save_figure(fig, tmp_path / "f", formats=("html",), overwrite=True)
    assert "<script" in (tmp_path / "f.html").read_text()


def test_bad_formats_and_dpi(tmp_path):
    fig = go.Figure()
    with pytest.raises(InvalidInputError, match="choose from"):
        save_figure(fig, tmp_path / "f", formats=("tiff",))
    with pytest.raises(InvalidInputError, match="72 to 1200"):
        save_figure(fig, tmp_path / "f", formats=("png",), dpi=10)


def test_missing_static_backend_warns_with_the_fix(tmp_path, monkeypatch):
    fig = go.Figure(go.Bar(x=["a"], y=[1]))

    def no_kaleido(*args, **kwargs):
        raise ValueError("Image export using the 'kaleido' engine requires the kaleido package")

    monkeypatch.setattr(go.Figure, "write_image", no_kaleido)
    with pytest.warns(SsenbWarning, match="apt-get install chromium"):
        written = save_figure(fig, tmp_path / "f", formats=("html", "png"))
    assert [p.suffix for p in written] == [".html"]


def test_journal_files_have_print_size_and_dpi(tmp_path):
    pytest.importorskip("kaleido")
    image = pytest.importorskip("PIL.Image")
    fig = publication_style(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), column="single")
    try:
        written = save_figure(fig, tmp_path / "f", formats=("svg", "pdf", "png"), dpi=300)
    except SsenbWarning as err:  # kaleido without a Chrome to drive
        if shutil.which("chromium") or shutil.which("google-chrome"):
            raise  # a browser is there: the warning is a real failure
        pytest.skip(f"no browser for kaleido: {err}")
    assert [p.suffix for p in written] == [".svg", ".pdf", ".png"]
    # 85 mm = 3.346 in: at 300 dpi 1004 px wide (by hand: 85 / 25.4 * 300 = 1003.9)
    with image.open(tmp_path / "f.png") as png:
        assert abs(png.size[0] - 85 / 25.4 * 300) <= 2
        assert png.info["dpi"][0] == pytest.approx(300, abs=0.5)
    # PDF page: 85 mm = 240.9 pt wide
    pdf = (tmp_path / "f.pdf").read_bytes()
    assert b"/MediaBox" in pdf
    box = pdf.split(b"/MediaBox")[1].split(b"]")[0].strip(b" [").split()
    assert abs(float(box[2]) - 85 / 25.4 * 72) <= 1.5
    assert b"<svg" in (tmp_path / "f.svg").read_bytes()[:400]


def test_importing_ssenb_leaves_plotly_settings_alone(fresh_python):

    code = (
        "import plotly.io as pio; before = (pio.renderers.default, pio.templates.default); "
        "import ssenb.viz, ssenb.viz.export, ssenb.viz.publication; "
        "assert (pio.renderers.default, pio.templates.default) == before, 'changed on import'"
    )
    fresh_python(code, timeout=120)  # the child asserts; a failure fails this test


def test_use_notebook_renderer_is_explicit_and_offline_by_default():
    import plotly.io as pio

    from ssenb.viz.export import use_notebook_renderer

    previous = pio.renderers.default
    try:
        use_notebook_renderer()
        assert pio.renderers.default == "plotly_mimetype+notebook"  # plotly.js embedded
        use_notebook_renderer(connected=True)
        assert pio.renderers.default == "plotly_mimetype+notebook_connected"  # from the CDN
    finally:
        pio.renderers.default = previous
