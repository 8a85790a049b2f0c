"""The ``ssenb`` command line: info, report, screen, window, interface, predict, candidates, cv, fetch, lab.

Every user error (a bad argument, formula or output path) ends in one line
``ssenb: error: ...`` on stderr and exit code 2, never a traceback. Output files are
never overwritten without ``--force`` and never left half-written (see
:mod:`ssenb.batch`). Every table printed or written goes through
:func:`ssenb.results.for_people` (energies to 1 meV/atom, voltages to 1 mV), and a command
that writes a file writes what its name says (``report`` refuses ``-o out.pdf``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from .errors import InvalidInputError, SsenbError

if TYPE_CHECKING:
    import pandas as pd

    from .models.validation import CVScheme

#: Cross-validation schemes on the command line -> ``cross_validate_conductivity(cv=...)``.
#: "paper" copies the official OBELiX split (no paper or composition on both sides);
#: "grouped" is grouped k-fold over near-duplicate compositions ("random" is its old name).
CV_SCHEMES: dict[str, CVScheme] = {
    "paper": "paper",
    "grouped": "grouped",
    "random": "grouped",
    "family": "family",
}
#: What each scheme's report line says it was.
_CV_WHAT = {
    "paper": "paper-grouped cross-validation, {k} draws of 25 % test like the official OBELiX split "
    "(no paper or composition on both sides)",
    "grouped": "grouped {k}-fold cross-validation (near-duplicates share a fold; optimistic: "
    "one paper's series can sit on both sides)",
    "family": "leave-one-family-out cross-validation ({k} families)",
}
#: Fold counts accepted by ``ssenb cv --splits`` (the OBELiX training split has 478 rows).
MIN_SPLITS, MAX_SPLITS = 2, 20
#: Largest ``ssenb cv --seed`` (numpy's and scikit-learn's seeds are 32-bit unsigned).
MAX_SEED = 2**32 - 1
_EXIT_USAGE = 2
#: How the command line allows replacing an output file (never "overwrite=True").
FORCE_HINT = "add --force to replace it"
#: File name endings ``ssenb report`` writes (it writes HTML only).
REPORT_SUFFIXES = (".html", ".htm")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line ``ssenb: error: ...`` and exit code 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.split(" ", 1)[1] + " " if " " in self.prog else ""
        self.exit(
            _EXIT_USAGE,
            f"ssenb: error: {message} (see 'ssenb {command}--help')\n",
        )


def _bounded_int(lo: int, hi: int) -> Callable[[str], int]:
    """An argparse ``type=`` that reads a whole number in ``lo..hi`` (inclusive)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value} is outside {lo}..{hi}")
        return value

    return parse


def _info(_args: argparse.Namespace) -> int:
    """``ssenb info``: versions, the data cache folder and each dataset's files."""
    import importlib.metadata as md

    from . import __version__
    from .data import DATASETS, data_dir, file_status, offline

    print(f"ssenb {__version__}  (Python {sys.version.split()[0]})")
    optional = {"crystal-toolkit": "ct", "mp-api": "mp", "kaleido": "figures"}
    for pkg in (
        "pymatgen",
        "matminer",
        "scikit-learn",
        "xgboost",
        "shap",
        "plotly",
        "ipywidgets",
        "pandas",
        *optional,
    ):
        try:
            print(f"  {pkg:<16}{md.version(pkg)}")
        except md.PackageNotFoundError:
            extra = f" (optional: pip install 'ssenb[{optional[pkg]}]')" if pkg in optional else ""
            print(f"  {pkg:<16}not installed{extra}")
    folder = data_dir()
    print(f"data cache: {folder}  (downloads {'disabled' if offline() else 'allowed'})")
    corrupted = []
    for name, files in DATASETS.items():
        status = {f: file_status(f) for f in files}
        have = sum(s == "verified" for s in status.values())
        bad = [f for f, s in status.items() if s == "corrupted"]
        corrupted += bad
        absent = sum(s == "absent" for s in status.values())
        extra = f"; {len(bad)} present but corrupted (sha256 mismatch)" if bad else ""
        extra += f"; {absent} absent ('ssenb fetch {name}')" if absent else ""
        print(f"  {name:<16}{have}/{len(files)} files present and verified{extra}")
    for f in corrupted:
        print(
            f"corrupted: {folder / f} is present but corrupted (sha256 mismatch). Fix: move it "
            f"away (ssenb never overwrites it), then run 'ssenb fetch' to download a fresh copy."
        )
    return 0


def _report(args: argparse.Namespace) -> int:
    """``ssenb report``: one material's HTML page."""
    from .batch import check_output_path
    from .data.materials import to_composition, to_element
    from .report import resolve_material, write_report

    check_output_path(args.output, overwrite=args.force, replace_hint=FORCE_HINT)
    _check_report_suffix(args.output)
    if args.ion is not None:
        to_element(args.ion, argname="--ion")
    material, label = resolve_material(args.material)
    if isinstance(material, str):
        to_composition(material)
    path = write_report(
        material,
        args.output,
        ion=args.ion,
        overwrite=args.force,
        predict=not args.no_predict,
        label=label,
    )
    print(f"wrote {path}")
    return 0


def _check_report_suffix(output: str) -> None:
    """``ssenb report`` writes HTML: refuse ``-o out.pdf`` rather than write HTML into it."""
    from pathlib import Path

    suffix = Path(output).suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        kind = f"a {suffix} file" if suffix else "a file without an ending"
        raise InvalidInputError(
            f"-o {output!r}: ssenb report writes an HTML page, not {kind}; name it "
            f"{Path(output).with_suffix('.html').name!r} (for a PDF, open the page in a browser "
            "and print it to PDF)"
        )


def _screen(args: argparse.Namespace) -> int:
    """``ssenb screen``: hull distance and window of many formulas, ranked."""
    from .data.materials import to_composition, to_element
    from .thermo import screen

    _refuse_existing(args.output, args.force)
    for text in args.materials:  # a typo on the command line is fixed, not recorded
        to_composition(text, argname="formula")
    to_element(args.ion, argname="--ion")
    formulas = _selected(args)
    frame = _ranked(
        screen(formulas, ion=args.ion, progress=not args.quiet, executor=args.jobs), args.ion
    )
    if args.output:
        _write_new_csv(frame, args.output, args.force)
        print(f"wrote {args.output} ({len(frame)} rows, {RANKED_BY}; {PRECISION})")
    else:
        print(_table_text(frame))
    return 0


#: How ``ssenb screen`` ranks (said in its help and after writing a CSV).
RANKED_BY = "ranked by hull distance, then window width; compounds without the ion last"
#: The precision of every number the CLI prints or writes (:func:`ssenb.results.for_people`).
PRECISION = "energies to 1 meV/atom, voltages to 1 mV"


def _ranked(frame: pd.DataFrame, ion: str) -> pd.DataFrame:
    """The screen table best first, with a ``rank`` column (1 = best) and people's numbers.

    Rank 1 is on the hull with the widest window. A compound without the mobile ion is
    no conductor of it: its oxidation limit is ∞ only because it has no ion to release,
    so its "window" is not comparable and it ranks after every compound with the ion
    (a note on stderr says so). Rows that failed come last.
    """
    import numpy as np

    from . import keys as K
    from .results import for_people
    from .thermo.screening import missing_ion_note

    frame = frame.copy()
    # the rows missing_ion_note names: computed, and the ion not in their chemical system
    without = (
        frame[K.ERROR].isna()
        & frame[K.CHEMSYS].notna()
        & ~frame[K.CHEMSYS].astype(str).map(lambda system: ion in system.split("-"))
    )
    order = (
        frame.assign(_no_ion=without.astype(int))
        .sort_values(
            ["_no_ion", K.E_HULL, K.WINDOW_WIDTH_V],
            ascending=[True, True, False],
            na_position="last",
            kind="stable",
        )
        .index
    )
    frame = frame.loc[order]
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    frame[K.DECOMPOSITION] = [None if d is None else str(d) for d in frame[K.DECOMPOSITION]]
    note = missing_ion_note(frame, ion)
    if note:  # a default ion is never applied silently where a material holds another
        print(f"note: {note}; they rank after every {ion} compound", file=sys.stderr)
    return for_people(frame)


def _table_text(frame: pd.DataFrame) -> str:
    """A table as the CLI prints it: no index, numbers as :func:`_ranked` rounded them."""
    return frame.to_string(index=False, na_rep="")


def _coatings(args: argparse.Namespace) -> int:
    """``ssenb coatings``: every compound of the snapshot ranked as a cathode coating."""
    from .data.materials import to_composition
    from .thermo import coating_screen

    _refuse_existing(args.output, args.force)
    _refuse_same_outputs(output=args.output, checkpoint=args.checkpoint)
    for text in args.candidates:  # a typo on the command line is fixed, not recorded
        to_composition(text, argname="formula")
    result = coating_screen(
        args.cathode,
        args.electrolyte,
        candidates=args.candidates or None,
        ion=args.ion,
        cathode_voltage=args.cathode_voltage,
        exclude=["radioactive", *args.exclude],
        progress=not args.quiet,
        executor=args.jobs,
        checkpoint=args.checkpoint,  # refused, never overwritten, by coating_screen's own rule
    )
    frame = result.table
    if args.output:
        _write_new_csv(frame, args.output, args.force)
        print(
            f"wrote {args.output} ({len(frame)} rows, {int(frame['passes'].sum())} meet every "
            f"criterion; cathode potential {result.cathode_voltage:.2f} V)"
        )
    else:
        shown = frame if args.candidates else frame.head(args.top)
        print(shown.drop(columns=["chemsys", "in_data"]).to_string(index=False))
    return 0


def _candidates(args: argparse.Namespace) -> int:
    """``ssenb candidates``: the decision table with a Pareto rank."""
    from .design.pipeline import screen_candidates

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


def _design(args: argparse.Namespace) -> int:
    """``ssenb design HOST``: doped candidates of a host, relaxed and ranked (CSV + HTML)."""
    from .design import design, read_design, write_design
    from .report_design import write_design_report
    from .results import for_people

    _refuse_existing(args.output, args.force)
    _refuse_existing(args.report, args.force)
    _refuse_existing(args.save, args.force)
    _refuse_same_outputs(
        output=args.output, report=args.report, save=args.save, checkpoint=args.checkpoint
    )
    if args.report:
        _check_report_suffix(args.report)
    host = _design_host(args.host)
    result = design(
        host,
        dopants=_split(args.dopants),
        sites=_split(args.sites),
        top=args.top,
        fractions=_fractions(args.fractions),
        cathode=args.cathode,
        potential=args.potential,
        model=False if args.no_model else None,
        max_atoms=args.max_atoms,
        n_orderings=args.orderings,
        steps=args.steps,
        reuse=read_design(args.reuse) if args.reuse else None,
        executor=args.jobs,
        checkpoint=args.checkpoint,
        progress=not args.quiet,
    )
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    frame = for_people(result.table.drop(columns=["input_key"]))
    _write_new_csv(frame, args.output, args.force)
    print(f"wrote {args.output} ({len(frame)} rows, by Pareto rank; {PRECISION})")
    if args.save:
        write_design(args.save, result, overwrite=args.force)
        print(f"wrote {args.save} (the run, to reuse its relaxations with --reuse)")
    if args.report:
        write_design_report(result, args.report, overwrite=args.force, n_drawn=args.draw)
        print(f"wrote {args.report}")
    shown = result.shortlist(args.show)[["pareto_rank", "candidate", "formula", "reasons"]]
    print(shown.to_string(index=False))
    return 0


def _fractions(text: str | None) -> list[float] | None:
    """``"0.25,0.5"`` -> ``[0.25, 0.5]``; a word that is not a number is refused by name."""
    words = _split(text)
    try:
        return [float(w) for w in words] if words else None
    except ValueError:
        raise InvalidInputError(
            f"--fractions {text!r}: give fractions of a site as numbers separated by commas, "
            "e.g. --fractions 0.25,0.5"
        ) from None


def _refuse_same_outputs(**paths: Any) -> None:
    """Two outputs of one command at one path: the second write would replace the first."""
    import os

    seen: dict[str, str] = {}
    for name, path in paths.items():
        if not path:
            continue
        key = os.path.realpath(path)
        if key in seen:
            raise InvalidInputError(
                f"--{seen[key]} and --{name} are both {path!r}: give each output its own file"
            )
        seen[key] = name


def _split(text: str | None) -> list[str] | None:
    """``"W,Se"`` -> ``["W", "Se"]``; None stays None."""
    return None if text is None else [t.strip() for t in text.split(",") if t.strip()]


def _design_host(text: str) -> Any:
    """A CIF path or an OBELiX id -> the host Structure; a formula is refused by design()."""
    import pandas as pd

    from .report import resolve_material

    material, _ = resolve_material(text)
    if isinstance(material, pd.DataFrame):  # an OBELiX row
        structure = material["structure"].iloc[0]
        if structure is None or structure != structure:
            raise InvalidInputError(
                f"{text}: this OBELiX entry has no CIF; give a CIF path of an ordered cell"
            )
        return structure
    return material


def _table(args: argparse.Namespace) -> int:
    """``ssenb table --all-li``: the multi-property table of every Li compound, with sources."""
    from .li_table import li_property_table, li_table_card

    if not args.all_li:
        raise InvalidInputError("ssenb table needs --all-li (every Li compound of the snapshot)")
    _refuse_existing(args.output, args.force)
    table = li_property_table(
        within=args.chemsys, predict=not args.no_predict, progress=not args.quiet,
        executor=args.jobs,
    )  # fmt: skip
    _write_new_csv(table, args.output, args.force)
    print(f"wrote {args.output} ({len(table)} Li compounds); values by source:")
    print(li_table_card(table).to_string(index=False))
    return 0


def _selected(args: argparse.Namespace) -> list[str]:
    """Formulas named on the command line and/or picked from the snapshot by chemistry."""
    from .data.mp_snapshot import snapshot_formulas

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


def _refuse_existing(output: str | None, force: bool) -> None:
    """Fail at once on an output path that cannot be written, before minutes of work."""
    from .batch import check_output_path

    if output:
        check_output_path(output, overwrite=force, replace_hint=FORCE_HINT)


def _write_new_csv(frame: pd.DataFrame, output: str, force: bool) -> None:
    """Write a CSV through a temporary file in the same folder, then rename it into place."""
    from .batch import write_new_file

    write_new_file(
        output,
        lambda tmp: frame.to_csv(tmp, index=False),
        overwrite=force,
        replace_hint=FORCE_HINT,
    )


def _print_or_write(frame: pd.DataFrame, args: argparse.Namespace, what: str) -> None:
    """A command's table: printed (people's numbers), or written to ``-o`` as CSV."""
    from .results import for_people

    frame = for_people(frame)
    if args.output:
        _write_new_csv(frame, args.output, args.force)
        print(f"wrote {args.output} ({len(frame)} rows, {what}; {PRECISION})")
    else:
        print(_table_text(frame))


def _window(args: argparse.Namespace) -> int:
    """``ssenb window``: one material's stability window and the ion profile behind it."""
    import pandas as pd

    from . import keys as K
    from .data.materials import to_composition, to_element
    from .thermo import stability_window

    _refuse_existing(args.output, args.force)
    to_element(args.ion, argname="--ion")
    for text in args.materials:
        to_composition(text, argname="formula")
    frames = []
    for text in args.materials:
        window = stability_window(text, ion=args.ion)
        _print_summary(window)
        frame = window.to_frame()
        frame[K.PRODUCTS] = [" + ".join(p) for p in frame[K.PRODUCTS]]
        frame.insert(0, K.INPUT, text)
        frames.append(frame)
    _print_or_write(pd.concat(frames, ignore_index=True), args, f"{args.ion} profile per material")
    return 0


def _interface(args: argparse.Namespace) -> int:
    """``ssenb interface``: reaction energy along the electrolyte | electrode mixing line."""
    from . import keys as K
    from .data.materials import to_composition, to_element
    from .thermo import ELECTRODES, interface_reactions

    _refuse_existing(args.output, args.force)
    to_composition(args.electrolyte, argname="electrolyte")
    if args.electrode not in ELECTRODES:
        to_composition(args.electrode, argname="electrode")
    if args.open_element is not None:
        to_element(args.open_element, argname="--open-element")
    elif args.mu is not None:
        raise InvalidInputError("--mu needs --open-element (e.g. --open-element Li --mu -4)")
    result = interface_reactions(
        args.electrolyte, args.electrode, open_element=args.open_element, mu=args.mu
    )
    _print_summary(result)
    frame = result.to_frame()
    frame[K.PRODUCTS] = [" + ".join(p) for p in frame[K.PRODUCTS]]
    _print_or_write(frame, args, "one per kink of the mixing line")
    return 0


def _predict(args: argparse.Namespace) -> int:
    """``ssenb predict``: predicted room-temperature σ of formulas, CIFs or OBELiX ids."""
    import pandas as pd

    from . import keys as K
    from .data.materials import to_composition
    from .models import predict_conductivity
    from .report import resolve_material

    _refuse_existing(args.output, args.force)
    materials = []
    for text in args.materials:
        material, _ = resolve_material(text)
        if isinstance(material, str):
            to_composition(material, argname="formula")
        materials.append((text, material))
    rows = []
    model_text = ""
    for text, material in materials:
        p = predict_conductivity(material, progress=not args.quiet)
        rows.append(
            {
                K.INPUT: text,
                K.FORMULA: p.formula,
                K.PREDICTION: p.log10_sigma,
                K.PREDICTION_STD: p.log10_sigma_std,
                "superionic": p.superionic,
                "model_preset": p.preset,
                "in_domain": p.in_domain,
                "domain_notes": "; ".join(p.domain_notes),
            }
        )
        model_text = p.model
    print(f"model: {model_text}", file=sys.stderr)  # the last one; each row names its preset
    _print_or_write(pd.DataFrame(rows), args, "log10 σ in S/cm, ensemble mean and spread")
    return 0


def _print_summary(result: Any) -> None:
    """A result's title and summary lines on stderr, so stdout stays the table alone."""
    print(result.title(), file=sys.stderr)
    for label, value in result.summary():
        print(f"  {label}: {value}", file=sys.stderr)


def _cv(args: argparse.Namespace) -> int:
    """``ssenb cv``: cross-validation metrics beside their baselines."""
    from .models import ConductivityModel, cross_validate_conductivity

    _refuse_existing(args.output, args.force)
    params = {
        k: v
        for k, v in (("n_models", args.n_models), ("n_estimators", args.n_estimators))
        if v is not None
    }
    report = cross_validate_conductivity(
        model=ConductivityModel(random_state=args.seed, **params),
        cv=CV_SCHEMES[args.scheme],
        n_splits=args.splits,
        random_state=args.seed,
        progress=not args.quiet,
    )
    s = report.summary_metrics
    what = _CV_WHAT[CV_SCHEMES[args.scheme]].format(k=report.n_splits)
    print(f"{what} on {report.data_version}, seed {args.seed}")
    print(
        f"  MAE log10 σ (S/cm): {s['mae']:.2f}   median-predictor baseline: {s['baseline_mae']:.2f}   R²: {s['r2']:.2f}"
    )
    print(
        f"  superionic (σ ≥ 1e-4 S/cm): accuracy {s['accuracy']:.2f} (majority baseline {s['baseline_accuracy']:.2f}), MCC {s['mcc']:.2f}"
    )
    if args.output:
        _write_new_csv(report.predictions, args.output, args.force)
        print(f"wrote {args.output}")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    """``ssenb fetch``: download (unless cached) and verify the named datasets."""
    from .data import DATASETS, fetch
    from .errors import UnknownNameError

    names = args.datasets or ["obelix-train", "mp2019", "matterviz"]
    for name in names:
        if name not in DATASETS:
            raise UnknownNameError(f"dataset {name!r} is unknown; use one of {', '.join(DATASETS)}")
        for f in DATASETS[name]:
            print(f"{f}: {fetch(f)}")
    return 0


def _lab(args: argparse.Namespace) -> int:
    """``ssenb lab``: JupyterLab on a folder of notebooks; returns its exit code."""
    import subprocess
    from pathlib import Path

    folder = Path(args.folder)
    if not folder.is_dir():
        raise InvalidInputError(
            f"folder {args.folder!r} does not exist; run from the repository root (for "
            "'tutorials') or pass an existing folder"
        )
    return subprocess.call([sys.executable, "-m", "jupyter", "lab", str(folder)])


def _path(text: str) -> str:
    """An argparse ``type=`` for a file or folder name: not empty, not only spaces."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty name is not a path; give a file or folder name")
    return text


def _add_output(p: argparse.ArgumentParser, what: str, default: str | None = None) -> None:
    """The ``-o/--output`` and ``-f/--force`` options of a command that writes a file."""
    p.add_argument(
        "-o",
        "--output",
        default=default,
        type=_path,
        metavar="FILE",
        help=f"{what}"
        + (f" (default: {default})" if default else "")
        + "; its folder must exist, and an existing file is refused unless --force",
    )
    p.add_argument(
        "-f", "--force", action="store_true", help="replace the output file if it exists"
    )


def _add_ion(p: argparse.ArgumentParser, *, own: bool = False) -> None:
    """The ``--ion`` option (mobile ion; voltages vs its metal).

    ``own``: one material, whose own mobile ion is the default (the page says which).
    """
    p.add_argument(
        "--ion",
        default=None if own else "Li",
        metavar="SYMBOL",
        help="mobile ion, an element symbol; voltages are given vs its metal (default: "
        + ("the material's own mobile ion, else Li; the report says which)" if own else "Li)"),
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ssenb`` command, for :func:`main` and for docs.

    Returns
    -------
    argparse.ArgumentParser
        One subcommand each for info, report, screen, candidates, design, coatings, window,
        interface, predict, cv, fetch and lab, and ``--version``; every option has its help
        text. A usage error prints one line
        ``ssenb: error: ...`` and exits with code 2.

    Examples
    --------
    >>> args = build_parser().parse_args(["screen", "Li3PS4", "--ion", "Na"])
    >>> args.command, args.materials, args.ion
    ('screen', ['Li3PS4'], 'Na')
    """
    parser = _Parser(
        prog="ssenb",
        description="Solid-state electrolytes: data, thermodynamics, ML.",
        epilog="Errors end in one line 'ssenb: error: ...' and exit code 2.",
    )
    from . import __version__

    parser.add_argument(
        "--version", action="version", version=f"ssenb {__version__}", help="print the version"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser(
        "info",
        help="versions, data cache location and which datasets are present",
        description="Print package versions, the data cache folder and, for each "
        "dataset, how many files are present and verified (sha256) or corrupted.",
    ).set_defaults(func=_info)
    rep = sub.add_parser(
        "report",
        help="self-contained HTML report of one electrolyte",
        description="Write an HTML page (plotly.js inline, opens offline) with the hull "
        "distance, stability window, interface reactions with Li and LiCoO2, and the "
        "phase diagram of one material from the offline MP ~2019 snapshot, its structure when a "
        "CIF or OBELiX id is given, and its predicted conductivity with the model that answered.",
    )
    rep.add_argument(
        "material",
        help="a formula (Li10GeP2S12), a CIF file (my.cif), or an OBELiX training id (obelix:jqc)",
    )
    rep.add_argument(
        "--no-predict",
        action="store_true",
        help="leave out the conductivity prediction (the first one fits the default model, "
        "about a minute on 2 cores, then it is cached)",
    )
    _add_output(rep, "HTML file to write", "report.html")
    _add_ion(rep, own=True)
    rep.set_defaults(func=_report)
    for name, func, text in (
        ("screen", _screen, "hull distance and window of many formulas, ranked (CSV)"),
        ("candidates", _candidates, "decision table: hull, window, interfaces, σ, Pareto rank"),
    ):
        scr = sub.add_parser(
            name,
            help=text,
            description="Energy above hull (eV/atom) and electrochemical stability window "
            "(V vs the ion's metal) of each formula, from the offline MP ~2019 snapshot"
            + (
                "; plus interface reactions, predicted σ and a Pareto rank."
                if name == "candidates"
                else "."
            ),
        )
        scr.add_argument(
            "materials",
            nargs="*",
            metavar="FORMULA",
            help="formulas (or pick with the options below)",
        )
        scr.add_argument(
            "--all-li", action="store_true", help="every compound of the snapshot with the ion"
        )
        scr.add_argument("--chemsys", help="snapshot compounds within a system, e.g. Li-P-S")
        scr.add_argument("--contains", help="snapshot compounds with all these elements, e.g. Li,S")
        _add_output(scr, "CSV file to write (default: print the table)")
        _add_ion(scr)
        scr.add_argument(
            "-j", "--jobs", type=int, default=None, help="worker processes (default: 1)"
        )
        scr.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
        if name == "candidates":
            scr.add_argument("--cathode", default="LiCoO2", help="cathode formula (default LiCoO2)")
            scr.add_argument(
                "--model", type=_path, help="folder of a saved ConductivityModel (save_model)"
            )
            scr.add_argument(
                "--checkpoint", type=_path, help="folder for resumable per-chunk results"
            )
        scr.set_defaults(func=func)
    des = sub.add_parser(
        "design",
        help="doped candidates of a host: relaxed, on the hull, window, BVSE, σ, Pareto rank",
        description="Propose dopants for an ordered Li host (CIF or obelix:<id>), make the "
        "orderings with their Li vacancies or interstitials (at BVSE minima), relax them with a potential, and rank them by "
        "energy above hull (eV/atom, potential energies mapped onto the offline MP snapshot, "
        "with the mapping's benchmark error), window (V vs Li/Li⁺) and interface reactions "
        "with Li and a cathode (eV/atom), BVSE Li barrier (eV) and predicted log10 σ (S/cm). "
        "Writes a CSV and an HTML design report. Relaxations take minutes each on a CPU.",
    )
    des.add_argument(
        "host",
        help="CIF of an ordered Li host (Li3SbS4.cif) or an OBELiX training id (obelix:mq1)",
    )
    des.add_argument("--dopants", metavar="EL,EL", help="only these dopant elements, e.g. W,Se")
    des.add_argument("--sites", metavar="EL,EL", help="only these host sites, e.g. Sb")
    des.add_argument(
        "--top",
        type=_bounded_int(1, 50),
        default=5,
        help="candidates taken from the proposer (default 5)",
    )
    des.add_argument("--fractions", metavar="F,F", help="fractions of the site, e.g. 0.25,0.5")
    des.add_argument("--cathode", default="LiCoO2", help="cathode formula (default LiCoO2)")
    des.add_argument(
        "--potential",
        default=None,
        help="chgnet, 7net-0 or 7net-l3i5 (default: the benchmarked default)",
    )
    des.add_argument(
        "--max-atoms", type=_bounded_int(2, 64), default=32, help="largest cell (default 32)"
    )
    des.add_argument(
        "--orderings",
        type=_bounded_int(1, 10),
        default=2,
        help="orderings per candidate (default 2)",
    )
    des.add_argument(
        "--steps", type=_bounded_int(1, 2000), default=300, help="optimizer steps (default 300)"
    )
    des.add_argument("--no-model", action="store_true", help="no conductivity prediction")
    des.add_argument(
        "--reuse", type=_path, help="a saved run (--save) whose relaxations are reused"
    )
    des.add_argument("--save", type=_path, help="JSON file keeping this run (for --reuse)")
    des.add_argument("--checkpoint", type=_path, help="folder of finished relaxations (resume)")
    des.add_argument(
        "--report",
        type=_path,
        default="design_report.html",
        help="HTML design report (default design_report.html)",
    )
    des.add_argument("--show", type=_bounded_int(1, 100), default=5, help="rows to print")
    des.add_argument(
        "--draw",
        type=_bounded_int(0, 20),
        default=3,
        help="best candidates drawn in the report with structure and BVSE pathway (default 3)",
    )
    _add_output(des, "CSV file to write", "design.csv")
    des.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: 1)")
    des.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    des.set_defaults(func=_design)
    tab = sub.add_parser(
        "table",
        help="every Li compound: hull, window, band gap, G, K, predicted σ, with sources (CSV)",
        description="The multi-property table of every Li compound of the offline MP ~2019 "
        "snapshot: hull distance and window (computed), band gap (experiment > MP PBE > "
        "model), G and K (MP DFT > model) with G/G_Li (Monroe-Newman), predicted log10 σ "
        "with its calibrated 2σ interval; a source column for each.",
    )
    tab.add_argument("--all-li", action="store_true", help="every Li compound (required)")
    tab.add_argument("--chemsys", help="only compounds within a system, e.g. Li-P-S")
    tab.add_argument(
        "--no-predict", action="store_true", help="data only: no models (no first-use fits)"
    )
    tab.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: 1)")
    tab.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_output(tab, "CSV file to write", "li_table.csv")
    tab.set_defaults(func=_table)
    coat = sub.add_parser(
        "coatings",
        help="rank every snapshot compound as a coating between a cathode and an electrolyte",
        description="Coating screen (Xiao, Miara, Wang & Ceder, Joule 2019): stability, window "
        "vs the cathode's potential (V vs the ion's metal), reaction energies with the cathode "
        "and the electrolyte (eV/atom), PBE band gap (eV), Li content; Pareto rank and reasons.",
    )
    coat.add_argument("cathode", help="cathode formula or name (LiCoO2, NMC811)")
    coat.add_argument("electrolyte", help="electrolyte formula (Li6PS5Cl)")
    coat.add_argument(
        "candidates", nargs="*", metavar="FORMULA", help="coatings to score (default: all)"
    )
    coat.add_argument(
        "--cathode-voltage",
        type=float,
        default=None,
        metavar="V",
        help="potential the coating must withstand, V vs the ion's metal (default: the "
        "cathode's own ion-extraction potential from the hull)",
    )
    coat.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="EL",
        help="leave out an element or a set (toxic, precious); repeat the option",
    )
    coat.add_argument("--top", type=_bounded_int(1, 100000), default=30, help="rows to print")
    _add_output(coat, "CSV file to write (default: print the top rows)")
    _add_ion(coat)
    coat.add_argument(
        "--checkpoint",
        type=_path,
        metavar="FOLDER",
        help="folder for resumable per-chunk results: run again with the same folder and "
        "arguments to resume (also a checkpoint of coating_screen(checkpoint=) in Python); "
        "a folder of other files or of another run is refused, even with --force",
    )
    coat.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: 1)")
    coat.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    coat.set_defaults(func=_coatings)
    _add_thermo_commands(sub)
    pred = sub.add_parser(
        "predict",
        help="predicted room-temperature ionic conductivity (log10 S/cm) of materials",
        description="Predict log10 σ (σ in S/cm, room temperature) with the default "
        "XGBoost ensemble trained on the OBELiX training split: a formula uses the "
        "composition model, a CIF or an OBELiX id the structure model. The first use fits "
        "the default model (about a minute on 2 cores, then cached). Each row says whether "
        "the material is inside the model's domain.",
    )
    pred.add_argument(
        "materials",
        nargs="+",
        metavar="MATERIAL",
        help="formulas (Li6PS5Cl), CIF files (my.cif) or OBELiX ids (obelix:jqc)",
    )
    _add_output(pred, "CSV file to write (default: print the table)")
    pred.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    pred.set_defaults(func=_predict)
    cv = sub.add_parser(
        "cv",
        help="cross-validate the conductivity model on the OBELiX training split",
        description="Cross-validate the log10 σ (S/cm) model on the OBELiX training "
        "split and print MAE, R² and superionic accuracy beside baselines.",
    )
    cv.add_argument(
        "--scheme",
        choices=list(CV_SCHEMES),
        default="paper",
        help="'paper': repeated 25 %% test draws made like the official OBELiX split (no "
        "paper or composition on both sides; the honest one); 'grouped': grouped k-fold, "
        "near-duplicate compositions kept in one fold; 'family': leave one structural "
        "family out; 'random' is the old name of 'grouped' (default: paper)",
    )
    cv.add_argument(
        "--splits",
        type=_bounded_int(MIN_SPLITS, MAX_SPLITS),
        default=5,
        metavar="K",
        help=f"number of draws ('paper') or folds ('grouped'), {MIN_SPLITS} to {MAX_SPLITS} "
        "(default: 5)",
    )
    cv.add_argument(
        "--seed",
        type=_bounded_int(0, MAX_SEED),
        default=0,
        help=f"seed of the folds and the model, 0 to {MAX_SEED} (default: 0)",
    )
    cv.add_argument(
        "--n-models",
        type=_bounded_int(1, 50),
        default=None,
        metavar="N",
        help="advanced: ensemble members per fold, 1 to 50 (default: the model's, 5); "
        "fewer is faster and less accurate",
    )
    cv.add_argument(
        "--n-estimators",
        type=_bounded_int(1, 5000),
        default=None,
        metavar="N",
        help="advanced: boosted trees per member, 1 to 5000 (default: the model's, 600)",
    )
    _add_output(cv, "CSV of per-material predictions (default: none)")
    cv.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    cv.set_defaults(func=_cv)
    fe = sub.add_parser(
        "fetch",
        help="download and verify data files into the cache (for Binder/offline use)",
        description="Download (unless cached) and sha256-verify the data files of the "
        "named datasets into the cache folder ($SSENB_DATA_DIR).",
    )
    fe.add_argument(
        "datasets", nargs="*", help="dataset names (default: obelix-train mp2019 matterviz)"
    )
    fe.set_defaults(func=_fetch)
    lab = sub.add_parser(
        "lab",
        help="open JupyterLab on the tutorials",
        description="Start JupyterLab on a folder of notebooks.",
    )
    lab.add_argument(
        "folder", nargs="?", default="tutorials", help="folder to open (default: tutorials)"
    )
    lab.set_defaults(func=_lab)
    return parser


def _add_thermo_commands(sub: Any) -> None:
    """``ssenb window`` and ``ssenb interface``: one result each, as the Python functions."""
    win = sub.add_parser(
        "window",
        help="electrochemical stability window of materials and the ion profile behind it",
        description="Stability window (V vs the ion's metal) of each formula from the offline "
        "MP ~2019 snapshot, by the grand-potential method (Zhu, He & Mo 2015; Richards et al. "
        "2016): the summary on stderr, then the ion profile (voltage, ion taken up per "
        "formula unit, products, reaction) as a table.",
    )
    win.add_argument("materials", nargs="+", metavar="FORMULA", help="formulas, e.g. Li3PS4")
    _add_output(win, "CSV file of the profiles to write (default: print the table)")
    _add_ion(win)
    win.set_defaults(func=_window)
    itf = sub.add_parser(
        "interface",
        help="interface reaction energy of an electrolyte with an electrode",
        description="Reaction energy (eV/atom of mixture) at each kink of the electrolyte | "
        "electrode mixing line, both taken at their hull energies (Richards et al. 2016), from "
        "the offline MP ~2019 snapshot: the most negative reaction on stderr, then one row per "
        "kink. Reactions are written per reduced formula unit of reactants.",
    )
    itf.add_argument("electrolyte", help="electrolyte formula, e.g. Li3PS4")
    itf.add_argument("electrode", help="electrode formula or name, e.g. LiCoO2, Li, NMC811")
    itf.add_argument(
        "--open-element",
        metavar="SYMBOL",
        help="element exchanged with a reservoir (e.g. Li under bias; default: closed interface)",
    )
    itf.add_argument(
        "--mu",
        type=float,
        metavar="EV",
        help="chemical potential of the open element, eV vs its element (mu = -V for Li at V "
        "vs Li/Li⁺; default 0)",
    )
    _add_output(itf, "CSV file to write (default: print the table)")
    itf.set_defaults(func=_interface)


def _check_text(argv: list[str]) -> None:
    """Refuse arguments that are not valid UTF-8 (surrogate-escaped bytes in argv)."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInputError(
                f"argument {arg!a} is not valid UTF-8 text; retype it or rename the file"
            ) from None


def main(argv: list[str] | None = None) -> int:
    """Run the ``ssenb`` command, turning every user error into one line and code 2.

    Why: a bad formula, argument or output path on the command line must read as a
    sentence naming the fix, never as a traceback.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 on success (and for ``--help``, ``--version`` and a bare ``ssenb``,
        which prints the help), 2 for a usage or input error
        (printed to stderr as ``ssenb: error: ...``), or JupyterLab's own code for
        ``ssenb lab``.

    Examples
    --------
    >>> main(["fetch", "nope"])
    2
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        _check_text(argv)
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:  # bare `ssenb`: what it can do, not an error
            parser.print_help()
            return 0
        code: int = args.func(args)
        return code
    except SystemExit as done:  # argparse: --help (0) or a usage error, already printed
        return done.code if isinstance(done.code, int) else _EXIT_USAGE
    except SsenbError as err:
        print(f"ssenb: error: {_one_line(err)}", file=sys.stderr)
        return _EXIT_USAGE
    except BrokenPipeError:  # `ssenb info | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:  # a file the user named cannot be read or written
        print(f"ssenb: error: {_one_line(err)}", file=sys.stderr)
        return _EXIT_USAGE


def _one_line(err: BaseException) -> str:
    """The message of ``err`` on one line (runs of whitespace become one space)."""
    return " ".join(str(err).split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
