from ssenb.cli import main


def test_info_lists_versions_and_datasets(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "pymatgen" in out and "data cache:" in out
    assert "obelix-train    2/2 files present" in out
    assert "obelix-test     0/2" in out


def test_report_is_a_self_contained_page(tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", "Li3PO4", "-o", str(out)]) == 0
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "<script src=" not in html  # plotly.js is inline: the page works offline
    assert html.count("Plotly.newPlot") >= 4  # profile, two interfaces, phase diagram
    assert "0.69" in html and "4.21" in html
    assert "legacy MaterialsProjectCompatibility" in html
    # band gap and moduli of Li3PO4 come from MP data, with the Monroe–Newman verdict
    assert "Band gap and elastic moduli" in html and "[MP data (PBE)]" in html
    assert "G / G_Li" in html and "Monroe–Newman" in html


def test_report_bad_formula_is_a_clean_error(tmp_path, capsys):
    assert main(["report", "Li3Xq", "-o", str(tmp_path / "x.html")]) == 2
    assert "not an element symbol" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_screen_writes_csv(tmp_path):
    import pandas as pd

    out = tmp_path / "s.csv"
    assert main(["screen", "Li3PS4", "LiF", "-q", "-o", str(out)]) == 0
    frame = pd.read_csv(out)
    assert frame["input"].tolist() == ["Li3PS4", "LiF"]


def test_cv_command(tmp_path, capsys):
    """A tiny model keeps the wiring test fast; the scheme is named honestly."""
    import pandas as pd

    out = tmp_path / "cv.csv"
    argv = ["cv", "-q", "--splits", "3", "--n-models", "1", "--n-estimators", "10"]
    assert main([*argv, "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "paper-grouped cross-validation, 3 draws" in text and "random" not in text
    assert "MAE log10 σ" in text and "baseline" in text
    frame = pd.read_csv(out)
    assert sorted(frame["fold"].unique()) == [0, 1, 2]
    # each draw tests 20-30 % of the 478 rows (the official split's bounds)
    assert frame.groupby("fold").size().between(0.2 * 478, 0.3 * 478).all()
    assert main([*argv, "--scheme", "grouped", "-o", str(out), "--force"]) == 0
    assert "grouped 3-fold cross-validation" in capsys.readouterr().out
    assert len(pd.read_csv(out)) == 478  # k-fold: every row tested once


def test_cv_random_is_an_alias_of_grouped(monkeypatch, capsys):
    import ssenb.models

    seen = {}

    def fake_cv(**kwargs):
        seen.update(kwargs)
        raise ssenb.errors.InvalidInputError("stop here")

    monkeypatch.setattr(ssenb.models, "cross_validate_conductivity", fake_cv)
    for scheme, expected in (
        ("random", "grouped"),
        ("grouped", "grouped"),
        ("family", "family"),
        ("paper", "paper"),
    ):
        assert main(["cv", "--scheme", scheme, "--n-models", "2", "--n-estimators", "7"]) == 2
        assert seen["cv"] == expected
        assert (seen["model"].n_models, seen["model"].n_estimators) == (2, 7)


def test_every_option_has_help_text():
    """issue 13: `ssenb report --help` said nothing for -o or --ion."""
    from ssenb.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        for action in p._actions:
            assert action.help, (name, action.dest)


def test_fetch_verifies_cached_files(capsys):
    assert main(["fetch", "obelix-train"]) == 0
    assert "obelix/train.csv" in capsys.readouterr().out


def test_fetch_unknown_dataset(capsys):
    assert main(["fetch", "nope"]) == 2
    assert "obelix-train" in capsys.readouterr().err
