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


def test_screen_writes_csv_ranked_with_peoples_numbers(tmp_path):
    """issue 19: rows follow their own rank column; no 16-digit floats in the CSV."""
    import pandas as pd

    out = tmp_path / "s.csv"
    assert main(["screen", "Li3PS4", "LiF", "-q", "-o", str(out)]) == 0
    text = out.read_text()
    frame = pd.read_csv(out)
    # LiF (0-6.36 V) is wider than Li3PS4 (1.72-2.36 V, Richards et al. 2016), both on the hull
    assert frame["input"].tolist() == ["LiF", "Li3PS4"]
    assert frame["rank"].tolist() == [1, 2]
    assert "1.721," in text and "2.361," in text  # 1 mV, as the message says
    assert "1.7207" not in text


def test_screen_chemsys_ranks_ion_free_compounds_last(capsys):
    """issue 19: P4S7 (no Li, oxidation limit inf) ranked first in a Li-P-S screen."""
    assert main(["screen", "--chemsys", "Li-P-S", "-q"]) == 0
    captured = capsys.readouterr()
    rows = [line.split() for line in captured.out.splitlines()[1:]]
    has_li = ["Li" in row[2] for row in rows]  # reduced_formula column
    assert has_li[0] and not has_li[-1]
    assert has_li == sorted(has_li, reverse=True)  # every Li compound before any Li-free one
    assert [int(row[0]) for row in rows] == list(range(1, len(rows) + 1))
    assert "e-" not in captured.out  # no 2.775558e-17 (LiP7's hull distance is round-off)
    assert "-0.000" not in captured.out
    assert "hold no Li (P4S7" in captured.err and "rank after every Li compound" in captured.err


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


def test_bare_ssenb_prints_help_and_version_is_known(capsys):
    """issue 19: bare `ssenb` errored; there was no --version."""
    import ssenb

    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: ssenb") and "window" in out and "predict" in out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"ssenb {ssenb.__version__}"


def test_window_command_prints_the_profile(tmp_path, capsys):
    """Li3PS4: 1.72-2.36 V vs Li/Li+ (Richards et al. 2016, MP 2019 snapshot)."""
    import pandas as pd

    assert main(["window", "Li3PS4"]) == 0
    captured = capsys.readouterr()
    assert "window: 1.72–2.36 V vs Li/Li⁺" in captured.err
    assert "Li3PS4 + 8 Li -> 4 Li2S + Li3P" in captured.out
    assert "1.721" in captured.out and "1.7207" not in captured.out
    out = tmp_path / "w.csv"
    assert main(["window", "Li3PS4", "LiF", "-o", str(out)]) == 0
    frame = pd.read_csv(out)
    assert set(frame["input"]) == {"Li3PS4", "LiF"}
    assert frame.loc[frame["input"] == "LiF", "voltage_V"].max() == 6.362  # LiF -> F2 + Li


def test_interface_command_names_the_reaction(tmp_path, capsys):
    assert main(["interface", "Li6PS5Cl", "LiCoO2"]) == 0
    captured = capsys.readouterr()
    assert "most negative reaction energy: -0.320 eV/atom" in captured.err
    assert "0.2577 Li6PS5Cl + 0.7423 LiCoO2 -> " in captured.out
    assert main(["interface", "Li3PS4", "LiCoO2", "--mu", "-4"]) == 2
    assert "--mu needs --open-element" in capsys.readouterr().err


def test_predict_command(monkeypatch, small_models, capsys):
    """Wiring only (small models stand in for the default ones, which take a minute)."""
    import ssenb.models.predictor as predictor

    monkeypatch.setattr(predictor, "default_model", lambda preset, **kw: small_models[preset])
    assert main(["predict", "Li6PS5Cl", "obelix:jqc", "-q"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split()[:4] == ["input", "formula", "log10_sigma_pred", "log10_sigma_std"]
    assert lines[1].split()[:2] == ["Li6PS5Cl", "Li6PS5Cl"]
    assert lines[2].split()[0] == "obelix:jqc"
    assert "composition+structure" in lines[2]  # an OBELiX entry with a CIF: the structure model
    value = float(lines[1].split()[2])
    assert -6 < value < -1 and f"{value:.2f}" == lines[1].split()[2]  # 0.01 log10 units
    assert "model: XGBoost ensemble" in captured.err


def test_coatings_resume_from_a_checkpoint_and_never_overwrite_one(tmp_path, capsys, monkeypatch):
    """--checkpoint means coating_screen(checkpoint=): resumable, and nothing of yours replaced."""
    import pandas as pd
    import pytest

    from ssenb.thermo import coating_screen
    from ssenb.thermo import coating_stages as stages

    folder = tmp_path / "run"
    args = ["coatings", "LiCoO2", "Li3PS4", "Li3PO4", "LiNbO3", "-q", "--checkpoint", str(folder)]
    python = coating_screen(
        "LiCoO2", "Li3PS4", candidates=["Li3PO4", "LiNbO3"], checkpoint=folder, progress=False
    ).table  # a checkpoint started in Python ...
    chunks = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert "chunk_00000.csv" in chunks
    real, calls = stages.run_chunk, []
    monkeypatch.setattr(
        stages, "run_chunk", lambda f, *a, **k: calls.append(sorted(f)) or real(f, *a, **k)
    )
    assert main([*args, "-o", str(tmp_path / "c.csv")]) == 0  # ... is resumed by the CLI
    assert calls == []  # every chunk read back, none recomputed
    cli = pd.read_csv(tmp_path / "c.csv").set_index("coating")
    assert set(cli.index) == {"Li3PO4", "LiNbO3"}
    for name in ("Li3PO4", "LiNbO3"):
        want = python.set_index("coating").loc[name, "cathode_reaction_energy_eV_atom"]
        assert cli.loc[name, "cathode_reaction_energy_eV_atom"] == pytest.approx(want, abs=1e-3)
    capsys.readouterr()
    # another run (other electrolyte) in that folder: refused, even with --force, bytes kept
    other = ["coatings", "LiCoO2", "Li6PS5Cl", "Li3PO4", "-q", "--checkpoint", str(folder)]
    assert main([*other, "-o", str(tmp_path / "d.csv"), "--force"]) == 2
    err = capsys.readouterr().err
    assert "holds another run" in err and "use a new folder" in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == chunks
    assert not (tmp_path / "d.csv").exists()
    # a folder of the user's own files is never written into
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    assert main(["coatings", "LiCoO2", "Li3PS4", "Li3PO4", "-q", "--checkpoint", str(mine)]) == 2
    assert "is not empty and is no ssenb checkpoint" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert main(["coatings", "LiCoO2", "Li3PS4", "--checkpoint", " "]) == 2  # argparse: no path
    assert "an empty name is not a path" in capsys.readouterr().err
