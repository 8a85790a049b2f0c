"""Relax ssenb's reference structures with a potential and write their energies (CSV).

The CSV is the cached input of :mod:`ssenb.mlip.mapped_hull` (elemental references fitted
onto the offline snapshot's formation-energy scale, leave-one-out benchmark). It ships as
package data in ``ssenb/mlip/data/reference_energies_<potential>.csv``.

Usage (1 thread, low priority; resumable: rows already in ``--out`` are kept and skipped)::

    export SSENB_DATA_DIR=/path/to/mirror SSENB_OFFLINE=1 OMP_NUM_THREADS=1
    nice python scripts/make_reference_energies.py --potential chgnet
    nice python scripts/make_reference_energies.py --potential 7net-0

Each structure of :func:`ssenb.mlip.reference_set.reference_set` is relaxed with
:func:`ssenb.mlip.relax` (FIRE, cell through FrechetCellFilter, ``--fmax`` eV/Å,
``--steps`` steps). Prototype and elemental cells (volume only guessed) are first scaled
isotropically to the lowest single-point energy on a grid of length factors (0.8..1.35).
A relaxation that does not converge is written with ``converged=False`` and no energy:
the fit leaves it out. Energies are the potential's own total energies per atom (eV/atom),
without any correction: the fitted elemental references absorb per-element shifts.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

FIELDS = [
    "id",
    "source",
    "formula",
    "n_atoms",
    "e_mlip_eV_atom",
    "converged",
    "steps",
    "max_force_eV_A",
    "volume_A3_atom",
    "prescale",
    "seconds",
    "potential",
    "versions",
]
SCALES = (0.8, 0.87, 0.93, 1.0, 1.07, 1.15, 1.25, 1.35)


def prescale(structure, potential):
    """The structure scaled to the lowest single-point energy over :data:`SCALES`."""
    best, best_e = 1.0, math.inf
    for f in SCALES:
        s = structure.copy()
        s.scale_lattice(structure.volume * f**3)
        try:
            e = potential.calculate(s).energy_eV
        except Exception:
            continue
        if e < best_e:
            best, best_e = f, e
    out = structure.copy()
    out.scale_lattice(structure.volume * best**3)
    return out, best


def report(potential: str) -> int:
    """Print the leave-one-out benchmark of the shipped energies as a Markdown table."""
    from ssenb.mlip.mapped_hull import mapped_scale, reference_energies

    scale = mapped_scale(potential)
    raw = reference_energies(potential)
    seconds = raw["seconds"].astype(float)
    print(
        f"**{scale.potential}**: {scale.n_fit} structures in the fit, "
        f"{scale.n_unconverged} relaxations not converged (left out); relaxation time per "
        f"structure median {seconds.median():.1f} s, max {seconds.max():.0f} s "
        f"(1 thread, shared CPU), {seconds.sum() / 60:.0f} min in all.\n"
    )
    print(
        "| class | n | LOO E_hull MAE (signed) eV/atom | LOO MAE of E above hull (clipped at 0) |"
    )
    print("|---|---|---|---|")
    for cls, mae in scale.mae.items():
        print(f"| {cls} | {scale.n_benchmarked(cls)} | {mae:.3f} | {scale.mae_clipped[cls]:.3f} |")
    print("\n| threshold | both stable | MLIP only (false +) | DFT only (false −) | neither |")
    print("|---|---|---|---|---|")
    for t, c in scale.confusion.items():
        print(
            f"| {t} meV/atom | {c['both']} | {c['mlip_only']} | {c['dft_only']} | {c['neither']} |"
        )
    t = scale.table[scale.table["benchmarked"]].copy()
    t["err"] = t["e_form_loo_eV_atom"] - t["formation_energy_eV_atom"]
    worst = t.reindex(t["err"].abs().sort_values(ascending=False).index).head(8)
    print(
        "\nlargest LOO errors (eV/atom): "
        + ", ".join(
            f"{f} ({s}) {e:+.3f}"
            for f, s, e in zip(worst["formula"], worst["source"], worst["err"])
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    from ssenb.mlip import relax
    from ssenb.mlip.potential import label
    from ssenb.mlip.reference_set import reference_set
    from ssenb.mlip.sevennet import load_potential

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--potential", default="chgnet", help="chgnet, 7net-0 or 7net-l3i5")
    ap.add_argument("--out", default=None, help="CSV path (default: the package data file)")
    ap.add_argument("--fmax", type=float, default=0.1, help="force criterion (eV/Å)")
    ap.add_argument("--steps", type=int, default=200, help="most optimizer steps")
    ap.add_argument("--limit", type=int, default=None, help="only the first N structures")
    ap.add_argument(
        "--report", action="store_true", help="print the fit's benchmark (no relaxation)"
    )
    args = ap.parse_args(argv)
    if args.report:
        return report(args.potential)

    out = Path(
        args.out
        or Path(__file__).resolve().parents[1]
        / "ssenb/mlip/data"
        / f"reference_energies_{args.potential.replace('-', '_')}.csv"
    )
    refs, skipped = reference_set()
    if args.limit:
        refs = refs[: args.limit]
    print(f"{len(refs)} reference structures, {len(skipped)} skipped", flush=True)
    done: set[str] = set()
    if out.exists():
        with out.open() as fh:
            done = {
                r["id"] for r in csv.DictReader(line for line in fh if not line.startswith("#"))
            }
    pot = load_potential(args.potential)
    name = label(pot)
    versions = f"ssenb reference set; torch {version('torch')}; ase {version('ase')}"
    new = not out.exists()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", newline="") as fh:
        if new:
            fh.write(
                f"# MLIP energies of ssenb's reference structures ({name}); fmax {args.fmax} eV/Å, "
                f"<= {args.steps} FIRE steps, cell relaxed.\n"
                f"# Regenerate: OMP_NUM_THREADS=1 python scripts/make_reference_energies.py "
                f"--potential {args.potential} (resumable; delete the file to start over).\n"
                "# e_mlip_eV_atom: the potential's own total energy per atom, no corrections; "
                "empty when the relaxation did not converge.\n"
            )
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        if new:
            writer.writeheader()
        for i, ref in enumerate(refs):
            if ref.id in done:
                continue
            t0 = time.perf_counter()
            row = {"id": ref.id, "source": ref.source, "formula": ref.formula}
            row |= {"n_atoms": len(ref.structure), "potential": name, "versions": versions}
            try:
                s, factor = ref.structure, 1.0
                if ref.source in ("prototype", "element"):
                    s, factor = prescale(s, pot)
                r = relax(s, pot, fmax=args.fmax, steps=args.steps)
                e = r.energy_eV / len(r.structure)
                row |= {
                    "e_mlip_eV_atom": f"{e:.6f}" if r.converged else "",
                    "converged": r.converged,
                    "steps": r.n_steps,
                    "max_force_eV_A": f"{r.max_force_eV_A:.4f}",
                    "volume_A3_atom": f"{r.structure.volume / len(r.structure):.3f}",
                    "prescale": factor,
                }
            except Exception as err:
                row |= {"converged": False, "e_mlip_eV_atom": "", "steps": 0}
                print(f"  {ref.id}: {type(err).__name__}: {err}", flush=True)
            row["seconds"] = f"{time.perf_counter() - t0:.1f}"
            writer.writerow(row)
            fh.flush()
            print(
                f"[{i + 1}/{len(refs)}] {ref.id} {ref.formula} {len(ref.structure)} sites: "
                f"E={row.get('e_mlip_eV_atom')} conv={row['converged']} steps={row['steps']} "
                f"{row['seconds']} s",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
