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

    frame = screen(args.materials, ion=args.ion, progress=not args.quiet)
    if args.output:
        frame.to_csv(args.output, index=False)
        print(f"wrote {args.output}")
    else:
        print(frame.to_string(index=False))
    return 0


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
    scr = sub.add_parser("screen", help="hull distance and window of many formulas")
    scr.add_argument("materials", nargs="+")
    scr.add_argument("-o", "--output", help="CSV file to write")
    scr.add_argument("--ion", default="Li")
    scr.add_argument("-q", "--quiet", action="store_true")
    scr.set_defaults(func=_screen)
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
