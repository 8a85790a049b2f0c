"""The ``ssenb`` command line: info, report, screen, cv, fetch, lab."""

from __future__ import annotations

import argparse
import sys

from .errors import SsenbError


def _info(_args) -> int:
    import importlib.metadata as md

    from . import __version__
    from .data import DATASETS, data_dir, is_present, offline

    print(f"ssenb {__version__}  (Python {sys.version.split()[0]})")
    for pkg in (
        "pymatgen",
        "matminer",
        "scikit-learn",
        "xgboost",
        "shap",
        "plotly",
        "ipywidgets",
        "crystal-toolkit",
        "pandas",
    ):
        try:
            print(f"  {pkg:<16}{md.version(pkg)}")
        except md.PackageNotFoundError:
            print(f"  {pkg:<16}not installed")
    print(f"data cache: {data_dir()}  (downloads {'disabled' if offline() else 'allowed'})")
    for name, files in DATASETS.items():
        have = sum(is_present(f) for f in files)
        print(f"  {name:<16}{have}/{len(files)} files present and verified")
    return 0


def _report(args) -> int:
    from .report import write_report

    path = write_report(args.material, args.output, ion=args.ion)
    print(f"wrote {path}")
    return 0


def _screen(args) -> int:
    from .thermo import screen

    _refuse_existing(args.output, args.force)
    formulas = _selected(args)
    frame = screen(formulas, ion=args.ion, progress=not args.quiet, executor=args.jobs)
    # rank 1: on the hull with the widest window. Formulas you name keep your order; a
    # snapshot query (no order of its own) comes back best first.
    order = frame.sort_values(
        ["e_above_hull_eV_atom", "window_width_V"], ascending=[True, False], na_position="last"
    ).index
    frame.insert(0, "rank", 0)
    frame.loc[order, "rank"] = range(1, len(frame) + 1)
    if not args.materials:
        frame = frame.loc[order]
    frame["decomposition"] = [None if d is None else str(d) for d in frame["decomposition"]]
    if args.output:
        _write_new_csv(frame, args.output, args.force)
        print(f"wrote {args.output} ({len(frame)} rows, ranked by hull distance then window width)")
    else:
        print(frame.to_string(index=False))
    return 0


def _candidates(args) -> int:
    from .pipeline import screen_candidates

    _refuse_existing(args.output, args.force)
    model = None
    if args.model:
        from .models import load_model

        model = load_model(args.model)
    result = screen_candidates(
        _selected(args),
        model=model,
        cathode=args.cathode,
        ion=args.ion,
        executor=args.jobs,
        checkpoint=args.checkpoint,
        progress=not args.quiet,
    )
    frame = result.table
    if not args.materials:  # a snapshot query comes back best first
        frame = frame.sort_values(["pareto_rank", "e_above_hull_eV_atom"], na_position="last")
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.output:
        _write_new_csv(frame, args.output, args.force)
        print(f"wrote {args.output} ({len(frame)} candidates, by Pareto rank)")
    else:
        print(frame.to_string(index=False))
    return 0


def _selected(args) -> list[str]:
    """Formulas named on the command line and/or picked from the snapshot by chemistry."""
    from .data.mp_snapshot import snapshot_formulas
    from .errors import InvalidInputError

    formulas = list(args.materials)
    contains = ",".join(x for x in (args.contains, args.ion if args.all_li else None) if x)
    if args.chemsys or contains:
        formulas += snapshot_formulas(within=args.chemsys, contains=contains or None)
    if not formulas:
        raise InvalidInputError(
            "no materials: name formulas, or choose from the snapshot with --all-li, "
            "--chemsys Li-P-S or --contains Li,S"
        )
    return formulas


def _refuse_existing(output, force: bool) -> None:
    import os

    from .errors import InvalidInputError

    if output and os.path.lexists(output) and not force:
        raise InvalidInputError(f"{output} exists; ssenb does not overwrite it (use --force)")


def _write_new_csv(frame, output: str, force: bool) -> None:
    """Write a CSV through a temporary file in the same folder, then rename it into place."""
    try:
        from .data._files import write_new_file  # the shared safe writer, where present
    except ImportError:
        write_new_file = None
    if write_new_file is not None:
        write_new_file(output, lambda tmp: frame.to_csv(tmp, index=False), overwrite=force)
        return
    import os
    import tempfile

    from .errors import InvalidInputError

    _refuse_existing(output, force)
    folder = os.path.dirname(os.path.abspath(output))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ssenb-", suffix=".csv")
    except OSError as err:
        raise InvalidInputError(f"cannot write {output}: {err}") from err
    try:
        with os.fdopen(fd, "w", newline="") as fh:
            frame.to_csv(fh, index=False)
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _cv(args) -> int:
    from .models import cross_validate_conductivity

    report = cross_validate_conductivity(
        cv=args.scheme, n_splits=args.splits, random_state=args.seed, progress=not args.quiet
    )
    s = report.summary
    print(
        f"{args.scheme} cross-validation on {report.data_version} ({report.n_splits} folds, seed {args.seed})"
    )
    print(
        f"  MAE log10 σ (S/cm): {s['mae']:.2f}   median-predictor baseline: {s['baseline_mae']:.2f}   R²: {s['r2']:.2f}"
    )
    print(
        f"  superionic (σ ≥ 1e-4 S/cm): accuracy {s['accuracy']:.2f} (majority baseline {s['baseline_accuracy']:.2f}), MCC {s['mcc']:.2f}"
    )
    if args.output:
        report.predictions.to_csv(args.output, index=False)
        print(f"wrote {args.output}")
    return 0


def _fetch(args) -> int:
    from .data import DATASETS, fetch
    from .errors import UnknownNameError

    names = args.datasets or ["obelix-train", "mp2019", "matterviz"]
    for name in names:
        if name not in DATASETS:
            raise UnknownNameError(f"dataset {name!r} is unknown; use one of {', '.join(DATASETS)}")
        for f in DATASETS[name]:
            print(f"{f}: {fetch(f)}")
    return 0


def _lab(args) -> int:
    import subprocess
    from pathlib import Path

    folder = Path(args.folder)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{folder} does not exist; run from the repository root or pass a folder"
        )
    return subprocess.call([sys.executable, "-m", "jupyter", "lab", str(folder)])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ssenb", description="Solid-state electrolytes: data, thermodynamics, ML."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "info", help="versions, data cache location and which datasets are present"
    ).set_defaults(func=_info)
    rep = sub.add_parser("report", help="self-contained HTML report of one electrolyte")
    rep.add_argument("material", help="formula, e.g. Li10GeP2S12")
    rep.add_argument("-o", "--output", default="report.html")
    rep.add_argument("--ion", default="Li")
    rep.set_defaults(func=_report)
    for name, func, text in (
        ("screen", _screen, "hull distance and window of many formulas, ranked (CSV)"),
        ("candidates", _candidates, "decision table: hull, window, interfaces, σ, Pareto rank"),
    ):
        scr = sub.add_parser(name, help=text)
        scr.add_argument("materials", nargs="*", help="formulas (or pick with the options below)")
        scr.add_argument(
            "--all-li", action="store_true", help="every compound of the snapshot with the ion"
        )
        scr.add_argument("--chemsys", help="snapshot compounds within a system, e.g. Li-P-S")
        scr.add_argument("--contains", help="snapshot compounds with all these elements, e.g. Li,S")
        scr.add_argument(
            "-o", "--output", help="CSV file to write (never overwritten without --force)"
        )
        scr.add_argument("--force", action="store_true", help="overwrite an existing output file")
        scr.add_argument("--ion", default="Li")
        scr.add_argument(
            "-j", "--jobs", type=int, default=None, help="worker processes (default: 1)"
        )
        scr.add_argument("-q", "--quiet", action="store_true")
        if name == "candidates":
            scr.add_argument("--cathode", default="LiCoO2", help="cathode formula (default LiCoO2)")
            scr.add_argument("--model", help="folder of a saved ConductivityModel (save_model)")
            scr.add_argument("--checkpoint", help="folder for resumable per-chunk results")
        scr.set_defaults(func=func)
    cv = sub.add_parser(
        "cv", help="cross-validate the conductivity model on the OBELiX training split"
    )
    cv.add_argument("--scheme", choices=["random", "family"], default="random")
    cv.add_argument("--splits", type=int, default=5)
    cv.add_argument("--seed", type=int, default=0)
    cv.add_argument("-o", "--output", help="CSV of per-material predictions")
    cv.add_argument("-q", "--quiet", action="store_true")
    cv.set_defaults(func=_cv)
    fe = sub.add_parser(
        "fetch", help="download and verify data files into the cache (for Binder/offline use)"
    )
    fe.add_argument(
        "datasets", nargs="*", help="dataset names (default: obelix-train mp2019 matterviz)"
    )
    fe.set_defaults(func=_fetch)
    lab = sub.add_parser("lab", help="open JupyterLab on the tutorials")
    lab.add_argument("folder", nargs="?", default="tutorials")
    lab.set_defaults(func=_lab)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SsenbError as err:
        print(f"ssenb: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
