"""Host structure to ranked shortlist of doped electrolytes, in one call.

:func:`design` chains the steps of issue 24: substitution candidates
(:func:`~ssenb.design.propose_substitutions`) → symmetry-distinct orderings with their Li
vacancies or interstitials (:mod:`ssenb.design._jobs`; interstitial Li at the host's BVSE
minima, :func:`ssenb.transport.interstitial_sites`) → relaxation with a potential
(:func:`ssenb.mlip.relax_many`, one task per structure on ``executor=``, resumable from a
checkpoint) → energy above the snapshot's hull with the mapping's benchmark error
(:func:`ssenb.mlip.mapped_e_hull`) → window and interface reactions with Li metal and a
cathode on that same scale → BVSE barrier of the relaxed cell → predicted log10 σ with its
calibrated 2σ interval → band gap and moduli where data or fitted models have them →
Pareto rank with the reasons per row. The undoped host is relaxed and ranked with them as
the reference.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import keys as K
from ..batch import ErrorMode, check_errors, check_executor
from ..data.materials import display_formula
from ..errors import InvalidInputError, UnsupportedMaterialError
from ..mlip.mapped_hull import HULL_METHOD
from ..results import Result, fmt_number, json_default
from . import _steps as steps_
from ._rank import OBJECTIVES, WORST_INTERFACE, rank, reasons

if TYPE_CHECKING:
    from pymatgen.core import Structure

    from ..thermo import UserEntries

CANDIDATE = "candidate"
FRACTION = "site_fraction"
SUPERCELL = "supercell"
INPUT_KEY = "input_key"
#: most structures one call relaxes (a CPU run of hours; a cluster run splits the host list)
MAX_STRUCTURES = 2000
#: ``DesignResult.model`` of a run without a conductivity model (``design(model=False)``)
NO_MODEL = "none"
#: what :data:`NO_MODEL` means, in words: the summary, the provenance and the report say this
NO_MODEL_TEXT = (
    "none (switched off: design(model=False), ssenb design --no-model), so log10 σ is not "
    "predicted and the Pareto rank leaves it out"
)


@dataclass(frozen=True, eq=False)
class DesignResult(Result):
    """Doped candidates of one host, relaxed and ranked: the shortlist and why.

    Attributes
    ----------
    table : DataFrame
        One row per relaxed structure (the host first, then each ordering of each
        candidate at each fraction, and a row for each candidate that could not be
        made, with the reason in ``error``): candidate, site, dopant, site fraction,
        compensation, formula, n_atoms, supercell, Ewald energy (eV/atom), converged,
        n_steps, the potential's energy (eV/atom), mapped formation energy and E_hull
        (eV/atom) with its uncertainty and ``hull_method``, decomposition, reduction and
        oxidation limits and window width (V vs Li/Li⁺), anode and cathode reaction
        energies and the worse of them (eV/atom), BVSE barriers (eV) and pathway
        dimension, predicted log10 σ (S/cm) with 1σ and the calibrated 2σ interval, band
        gap (eV), G and K (GPa) with their sources, pareto_rank, reasons, error.
        Sorted by Pareto rank, then E_hull.
    structures : list of Structure or None
        The relaxed structure of each row (None where there is none).
    entries : list of ComputedEntry or None
        Each row's entry on the snapshot's formation-energy scale (None where none).
    host, potential, cathode, model, hull_method : str
    notes : list of str
    host_structure : Structure
        The host cell as given (a cached run is rerun from it with ``reuse=``).
    """

    table: pd.DataFrame
    structures: list[Any]
    entries: list[Any]
    host: str
    potential: str
    cathode: str
    model: str
    hull_method: str
    notes: list[str] = field(default_factory=list)
    host_structure: Any = None

    _table = "table"

    def title(self) -> str:
        """Heading of the HTML view."""
        return f"Doped {self.host}: ranked candidates"

    def summary(self) -> list[tuple[str, str]]:
        """Rows made and failed, the Pareto front, the methods behind the numbers."""
        t = self.table
        front = t[t[K.PARETO_RANK] == 1]
        rows = [
            ("structures relaxed (converged)", str(int(t[K.CONVERGED].astype(bool).sum()))),
            ("rows with an error", str(int(t[K.ERROR].notna().sum()))),
            ("Pareto front", ", ".join(front[CANDIDATE].astype(str)[:8]) or "—"),
            ("energies from", self.potential),
            ("hull", self.hull_method or "—"),
            ("conductivity model", self.model_text()),
            ("cathode", self.cathode),
        ]
        best = self.shortlist(1)
        if len(best):
            b = best.iloc[0]
            rows.insert(
                2,
                (
                    f"first: {b[CANDIDATE]}",
                    f"E_hull {fmt_number(1000 * b[K.E_HULL], 'meV/atom', digits=0, spread=1000 * b[K.E_HULL_ERR])}",
                ),
            )
        rows += [("note", n) for n in self.notes]
        return rows

    def model_text(self) -> str:
        """The conductivity model in words: its description, or that σ was not predicted and why."""
        return NO_MODEL_TEXT if self.model == NO_MODEL else self.model

    def provenance(self) -> str:
        """The potential behind every energy and the conductivity model (or why there is none)."""
        return f"energies: {self.potential}; conductivity model: {self.model_text()}"

    def shortlist(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` best doped rows: Pareto rank, then E_hull (the host left out)."""
        t = self.table
        ok = t[(t[CANDIDATE] != "host") & t[K.PARETO_RANK].notna()]
        return ok.head(n)

    def entry_source(self) -> UserEntries:
        """The snapshot's phases plus every relaxed candidate, on one energy scale.

        Returns
        -------
        ssenb.thermo.UserEntries
            Pass it as ``source=`` to :func:`ssenb.thermo.stability_window`,
            :func:`ssenb.thermo.interface_reactions` or :func:`ssenb.thermo.phase_stability`;
            it holds the snapshot's phases of the candidates' and the cathode's elements,
            and its name says the candidates are the potential's energies mapped onto the
            snapshot's formation energies.

        Raises
        ------
        UnsupportedMaterialError
            No row has an entry (nothing converged on the hull).
        """
        made = [e for e in self.entries if e is not None]
        if not made:
            raise UnsupportedMaterialError(
                f"no candidate of {self.host} reached the hull (see the error column); "
                "there is nothing to hand on"
            )
        return steps_.candidate_source(made, self.cathode)


def design(
    host: Any,
    *,
    dopants: Iterable[str] | None = None,
    sites: Iterable[str] | None = None,
    top: int = 5,
    fractions: Sequence[float] | None = None,
    cathode: str = "LiCoO2",
    potential: Any = None,
    model: Any = None,
    property_models: dict[str, Any] | None = None,
    max_atoms: int = 32,
    n_orderings: int = 2,
    fmax: float = 0.05,
    steps: int = 300,
    relax_cell: bool = True,
    reuse: DesignResult | None = None,
    executor: Executor | int | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    errors: ErrorMode = "record",
    progress: bool = True,
) -> DesignResult:
    """Dope a Li host and rank the relaxed candidates: stability, transport, interfaces, σ.

    Parameters
    ----------
    host : Structure or CIF path
        An ordered host cell with Li (a formula has no structure to relax).
    dopants, sites : iterable of str, optional
        Only these dopant elements / host sites (default: the proposer's choice).
    top : int
        Candidates (site, dopant, oxidation state) taken from the proposer's ranking
        (1 to 50); refused dopants you named stay as rows with the reason.
    fractions : sequence of float, optional
        Fractions of the site to make (default: each one a cell of ``max_atoms`` realises).
    cathode : str
        Cathode of the interface reaction (default LiCoO2); the anode is Li metal.
    potential : Potential or str, optional
        A potential or a shipped name ("chgnet", "7net-0"); default: the one whose mapped
        hull is best benchmarked for the host's anion class
        (:func:`ssenb.mlip.default_potential`). The mapped hull needs its reference
        energies (shipped for "chgnet").
    model : ConductivityModel, False or None
        Predicts log10 σ (S/cm) from the formula; None: the default model
        (:func:`ssenb.models.default_model`, fitted once and cached); False: no σ.
    property_models : dict, optional
        Fitted band-gap/modulus models; without them only data and models already
        cached are used (no fit is started).
    max_atoms : int
        Largest cell relaxed (atoms, ≤ 64).
    n_orderings : int
        Orderings relaxed per candidate and fraction (lowest Ewald energy first, 1 to 10).
    fmax, steps, relax_cell :
        Relaxation settings (eV/Å, optimizer steps); a relaxation that does not converge
        has no energy and says so.
    reuse : DesignResult, optional
        A previous result: structures relaxed there (same input cell, same settings) are
        taken from it instead of relaxed again (e.g. a cached run read with
        :func:`read_design`); only the others need the potential.
    executor : Executor, int or None
        Where the orderings (one task per candidate and fraction), relaxations, BVSE
        barriers and the per-row hulls run (one task per structure): None (this process), a number of processes, or any
        ``concurrent.futures.Executor`` (Dask's ``client.get_executor()``).
    checkpoint : path, optional
        Folder where each finished relaxation is kept; run again with the same folder
        and inputs to resume (the later steps take seconds and are recomputed).
    errors : {"record", "raise"}
        "record": a candidate that cannot be made, relaxed, placed on the hull or
        ranked is a row with its reason in ``error``; "raise": stop at the first.
    progress : bool
        Progress bars.

    Returns
    -------
    DesignResult

    Raises
    ------
    UnsupportedMaterialError
        A host without Li, a disordered host, or one without oxidation states.
    InvalidInputError
        A formula host, a bad argument, or a fraction no cell within ``max_atoms`` realises.

    Examples
    --------
    >>> from ssenb.design import design
    >>> res = design("Li3SbS4.cif", dopants=["W"], top=2)  # doctest: +SKIP
    >>> res.shortlist()  # doctest: +SKIP
    """
    from ..mlip.substitutions import with_oxidation_states
    from ._host import read_host
    from ._jobs import candidate_jobs, host_job
    from .propose import propose_substitutions

    check_errors(errors)
    check_executor(executor)
    _check_settings(top, max_atoms, n_orderings)
    _check_before_work(fmax, steps, reuse, property_models, cathode)
    from pymatgen.core import Structure

    structure = read_host(host)
    if not isinstance(structure, Structure):
        raise InvalidInputError(
            f"host={host!r} is a formula: design relaxes structures; give an ordered "
            "pymatgen Structure or a CIF path (propose_substitutions ranks a formula)"
        )
    if len(structure) > max_atoms:  # every candidate is a supercell of it
        raise InvalidInputError(
            f"host {display_formula(structure.composition)} has {len(structure)} atoms, more "
            f"than max_atoms={max_atoms}: no candidate cell can be made from it; give its "
            "primitive cell (structure.get_primitive_structure()) or raise max_atoms (≤ 64)"
        )
    from ..mlip.potential import check_structure

    check_structure(structure)  # overlapping atoms, NaN coordinates: every row would fail
    cands = propose_substitutions(
        structure, dopants=dopants, sites=sites, fractions=fractions, max_atoms=max_atoms,
        top=None,
    )  # fmt: skip
    table = cands.table
    balanced = table[table[K.CHARGE_BALANCED]].head(top)
    left_out = _left_out(table, balanced, top) if dopants else table.iloc[:0]
    chosen = pd.concat([balanced, left_out]) if len(left_out) else balanced
    decorated = with_oxidation_states(structure)
    grid = tuple(float(f) for f in fractions) if fractions is not None else None
    jobs = [
        host_job(structure),
        *candidate_jobs(
            decorated,
            chosen,
            grid,
            max_atoms=max_atoms,
            n_orderings=n_orderings,
            errors=errors,
            executor=executor,
        ),
    ]
    if potential is None and reuse is not None:  # the cached run's potential
        potential = _shipped_name(reuse.potential) or reuse.potential
    elif potential is None:  # the potential whose mapped hull is best benchmarked here
        from ..mlip import default_potential

        potential = default_potential(structure.composition)
    _skip_unmappable(jobs, potential)
    made = [j for j in jobs if j.structure is not None and not j.error]
    if len(made) > MAX_STRUCTURES:
        raise InvalidInputError(
            f"{len(made)} structures to relax (over {MAX_STRUCTURES}); lower top or "
            "n_orderings, or split the run"
        )
    relaxed, potential_label = _relaxations(
        made, potential, reuse, fmax=fmax, steps=steps, relax_cell=relax_cell,
        executor=executor, checkpoint=checkpoint, errors=errors, progress=progress,
    )  # fmt: skip
    rows = _base_rows(jobs, made, relaxed)
    structures = list(rows.pop("_relaxed"))
    energies = rows[K.E_POTENTIAL].tolist()
    hull, entries = steps_.e_hull(structures, energies, potential)
    _merge(rows, hull)
    formulas = [display_formula(s.composition) if s is not None else None for s in structures]
    thermo = steps_.thermo(formulas, entries, cathode=cathode, executor=executor, errors=errors)
    _merge(rows, thermo)
    rows[WORST_INTERFACE] = rows[[K.ANODE_REACTION_ENERGY, K.CATHODE_REACTION_ENERGY]].min(
        axis=1, skipna=False
    )
    ok_structures = [s if e is not None else None for s, e in zip(structures, entries)]
    _merge(
        rows, steps_.barriers(ok_structures, executor=executor, errors=errors, progress=progress)
    )
    sigma_model, model_name = _model(model, progress)
    _merge(
        rows,
        steps_.conductivity(
            [f if e is not None else None for f, e in zip(formulas, entries)], sigma_model
        ),
    )
    props, prop_notes = steps_.properties(
        [f if e is not None else None for f, e in zip(formulas, entries)], property_models
    )
    for c in props.columns:
        rows[c] = props[c]
    use_sigma = sigma_model is not None
    rows[K.PARETO_RANK] = rank(rows, use_sigma=use_sigma)
    rows[K.REASONS] = reasons(rows, cathode=cathode, use_sigma=use_sigma)
    if errors == "raise" and rows[K.ERROR].notna().any():
        bad = rows[rows[K.ERROR].notna()].iloc[0]
        raise InvalidInputError(f"{bad[CANDIDATE]}: {bad[K.ERROR]}")
    order = rows.sort_values([K.PARETO_RANK, K.E_HULL], na_position="last", kind="stable").index
    methods = sorted({m for m in rows[HULL_METHOD] if m})
    notes = [*cands.notes, *prop_notes]  # no model: the summary's model line says so
    notes.append(
        "Pareto objectives: "
        + ", ".join(w for c, _, w in OBJECTIVES if use_sigma or c != K.PREDICTION)
    )
    return DesignResult(
        table=rows.loc[order].reset_index(drop=True),
        structures=[structures[i] for i in order],
        entries=[entries[i] for i in order],
        host=display_formula(structure.composition),
        potential=potential_label,
        cathode=cathode,
        model=model_name,
        hull_method="; ".join(methods),
        notes=notes,
        host_structure=structure,
    )


def _left_out(table: pd.DataFrame, chosen: pd.DataFrame, top: int) -> pd.DataFrame:
    """One row per dopant you named that gives no candidate here, saying why (not made)."""
    rows = []
    for dopant in dict.fromkeys(table[K.DOPANT]):
        if dopant in set(chosen[K.DOPANT]):
            continue
        mine = table[table[K.DOPANT] == dopant]
        ok = mine[mine[K.CHARGE_BALANCED]]
        if len(ok):
            row = ok.iloc[0].copy()
            row[K.CHARGE_BALANCED] = False  # not made: below the cut
            row[K.REASONS] = (
                f"ranked {int(row[K.RANK])} by the proposer, below top={top}: raise top to make it"
            )
        else:
            row = mine.iloc[0]
        rows.append(row)
    return pd.DataFrame(rows, columns=table.columns)


def _check_settings(top: int, max_atoms: int, n_orderings: int) -> None:
    """Refuse limits outside what a run can do (CPU minutes per structure)."""
    for name, value, lo, hi in (
        ("top", top, 1, 50),
        ("max_atoms", max_atoms, 2, 64),
        ("n_orderings", n_orderings, 1, 10),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise InvalidInputError(f"{name}={value!r}; use a whole number from {lo} to {hi}")


def _check_before_work(
    fmax: Any, steps: Any, reuse: Any, property_models: Any, cathode: Any
) -> None:
    """Refuse what would otherwise fail every row after the relaxations (CPU-hours)."""
    from ..mlip.relaxation import check_relax_settings

    check_relax_settings(fmax, steps)
    if reuse is not None and not isinstance(reuse, DesignResult):
        raise InvalidInputError(
            f"reuse={type(reuse).__name__}; pass a DesignResult (e.g. read_design(path))"
        )
    if property_models is not None and not isinstance(property_models, dict):
        raise InvalidInputError(
            f"property_models={type(property_models).__name__}; pass a dict of fitted models "
            "({'band_gap': ..., 'G_VRH': ...}) or None (data and cached models only)"
        )
    steps_.check_cathode(cathode)


def _input_key(structure: Structure, settings: tuple[float, int, bool]) -> str:
    """What a relaxation depends on: the input cell and the settings, as a sha256.

    Lattice lengths (Å) and angles (°), species and fractional positions rounded to 1e-4,
    sites in sorted order, so a cell written to a CIF and read back (rotated, sites
    reordered, 8 decimals) keeps its key.
    """
    import hashlib
    import json

    import numpy as np

    lat = structure.lattice
    payload = json.dumps(
        [
            np.round(lat.abc, 4).tolist(),
            np.round(lat.angles, 4).tolist(),
            sorted(
                (str(site.species), *(np.round(site.frac_coords, 4) % 1.0).round(4).tolist())
                for site in structure
            ),
            [float(settings[0]), int(settings[1]), bool(settings[2])],
        ]
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _skip_unmappable(jobs: list[Any], potential: Any) -> None:
    """Give up, before relaxing, the structures the potential's mapped hull must refuse.

    A material holding an element with too few reference structures gets no mapped E_hull
    (:meth:`ssenb.mlip.MappedScale.unsupported`), so it could never be ranked: its row
    keeps its cell and says why instead of costing a relaxation. A potential without
    shipped references (no mapping to ask) is left to the hull step, which says so per row.
    """
    from ..errors import SsenbError
    from ..mlip import mapped_scale

    try:
        scale = mapped_scale(potential)
    except SsenbError:
        return
    for j in jobs:
        if j.structure is not None and not j.error:
            why = scale.unsupported(j.structure.composition)
            if why:
                j.error = f"not relaxed: {why}"


def _relaxations(
    made: list[Any],
    potential: Any,
    reuse: DesignResult | None,
    *,
    fmax: float,
    steps: int,
    relax_cell: bool,
    executor: Any,
    checkpoint: Any,
    errors: ErrorMode,
    progress: bool,
) -> tuple[pd.DataFrame, str]:
    """One row per made job: relaxed structure, energy (eV/atom), converged; the potential.

    Rows whose input cell and settings are in ``reuse`` come from it; the others are
    relaxed (the potential is loaded only when there are any).
    """
    settings = (float(fmax), int(steps), bool(relax_cell))
    keys = [_input_key(j.structure, settings) for j in made]
    cached: dict[str, tuple[pd.Series, Any]] = {}
    label = ""
    if reuse is not None:
        if not isinstance(reuse, DesignResult):
            raise InvalidInputError(
                f"reuse={type(reuse).__name__}; pass a DesignResult (e.g. read_design(path))"
            )
        label = reuse.potential
        wanted = _label(potential)
        if wanted and wanted != reuse.potential:
            raise InvalidInputError(
                f"reuse holds relaxations by {reuse.potential}, not {wanted}: one run uses "
                "one potential; drop reuse= or pass the same potential"
            )
        for (_, row), s in zip(reuse.table.iterrows(), reuse.structures):
            if isinstance(row.get(INPUT_KEY), str):
                cached[row[INPUT_KEY]] = (row, s)
    todo = [i for i, k in enumerate(keys) if k not in cached]
    cols = [K.E_POTENTIAL, K.CONVERGED, K.N_STEPS, K.ERROR, "_relaxed"]
    out = pd.DataFrame(index=range(len(made)), columns=cols, dtype=object)
    if todo and reuse is not None and potential == reuse.potential:
        raise InvalidInputError(
            f"{len(todo)} of the {len(made)} structures are not in reuse= (another host cell, "
            "dopants, fractions or relaxation settings); pass potential= to relax them"
        )
    if todo:
        from ..mlip import relax_many
        from ..mlip.batch import relax_reason

        fresh = relax_many(
            [made[i].structure for i in todo], potential, fmax=fmax, steps=steps,
            relax_cell=relax_cell, executor=executor, checkpoint=checkpoint, errors=errors,
            progress=progress,
        )  # fmt: skip
        label = str(fresh.attrs.get("potential", label))
        for j, i in enumerate(todo):
            r = fresh.iloc[j]
            ok = bool(r[K.CONVERGED])
            out.loc[i, cols] = [
                float(r[K.E_POTENTIAL]) if ok else math.nan,
                ok,
                int(r[K.N_STEPS]) if K.N_STEPS in r and r[K.N_STEPS] == r[K.N_STEPS] else 0,
                None if ok else relax_reason(r),
                r[K.STRUCTURE] if ok else None,
            ]
    for i, k in enumerate(keys):
        if k in cached:
            row, s = cached[k]
            out.loc[i, cols] = [
                row[K.E_POTENTIAL], bool(row[K.CONVERGED]), row[K.N_STEPS],
                row[K.ERROR] if isinstance(row[K.ERROR], str) else None, s,
            ]  # fmt: skip
    out[INPUT_KEY] = keys
    return out, label


def _label(potential: Any) -> str:
    """The label of a potential object or shipped name, without loading it ("" if unknown)."""
    from ..errors import SsenbError
    from ..mlip.mapped_hull import reference_energies
    from ..mlip.potential import label

    if not isinstance(potential, str):
        return label(potential)
    try:
        return str(reference_energies(potential)["potential"].iloc[0])
    except SsenbError:
        return ""


def _shipped_name(label: str) -> str:
    """The shipped name ("chgnet") of a potential label, "" when none has it."""
    from ..mlip.mapped_hull import SHIPPED

    return next((name for name in SHIPPED if _label(name) == label), "")


def _base_rows(jobs: list[Any], made: list[Any], relaxed: pd.DataFrame) -> pd.DataFrame:
    """One row per job, what it is and how its relaxation went (no structure: the reason)."""
    position = {id(j): i for i, j in enumerate(made)}
    rows = []
    for j in jobs:
        base = {
            CANDIDATE: j.candidate,
            K.SITE: j.site,
            K.DOPANT: j.dopant,
            FRACTION: j.fraction,
            K.COMPENSATION: j.compensation,
            K.FORMULA: display_formula(j.structure.composition) if j.structure else None,
            K.N_ATOMS: len(j.structure) if j.structure else 0,
            SUPERCELL: j.supercell,
            "ewald_energy_eV_atom": j.ewald_eV_atom,
        }
        if id(j) in position:
            r = relaxed.iloc[position[id(j)]]
            base |= {
                K.CONVERGED: bool(r[K.CONVERGED]),
                K.N_STEPS: int(r[K.N_STEPS]),
                K.E_POTENTIAL: float(r[K.E_POTENTIAL]),
                INPUT_KEY: r[INPUT_KEY],
                K.ERROR: r[K.ERROR],
                "_relaxed": r["_relaxed"],
            }
        else:
            base |= {
                K.CONVERGED: False,
                K.N_STEPS: 0,
                K.E_POTENTIAL: math.nan,
                INPUT_KEY: None,
                K.ERROR: j.error,
                "_relaxed": None,
            }
        rows.append(base)
    return pd.DataFrame(rows)


def _merge(rows: pd.DataFrame, new: pd.DataFrame) -> None:
    """Add a step's columns; a row keeps its first error (the step that failed first)."""
    for c in new.columns:
        if c == K.ERROR:
            first = rows[K.ERROR].where(rows[K.ERROR].notna(), new[K.ERROR])
            rows[K.ERROR] = first.astype(object).where(first.notna(), None)
        else:
            rows[c] = new[c].to_numpy()


def _model(model: Any, progress: bool) -> tuple[Any, str]:
    """The conductivity model and its description (None, :data:`NO_MODEL` when switched off)."""
    if model is False:
        return None, NO_MODEL
    if model is None:
        from ..models import default_model

        model = default_model("composition", progress=progress)
    if not callable(getattr(model, "predict", None)):
        raise InvalidInputError(
            f"model={type(model).__name__} has no predict(); pass a fitted ConductivityModel, "
            "None (the default model) or False (no σ)"
        )
    version = getattr(model, "data_version_", None) or "fitted by the caller"
    return model, f"{type(model).__name__} (preset {getattr(model, 'preset', '?')!r}), {version}"


#: largest design file read (bytes)
MAX_FILE_BYTES = 20_000_000


def write_design(
    path: str | os.PathLike[str], result: DesignResult, *, overwrite: bool = False
) -> Any:
    """Keep a design run as JSON (never pickle): its relaxations reused with ``reuse=``.

    Parameters
    ----------
    path : str or path-like
        File to create; an existing one is refused unless ``overwrite``.
    result : DesignResult
    overwrite : bool

    Returns
    -------
    pathlib.Path
    """
    import json

    from ..batch import check_output_path, write_new_file

    path = check_output_path(path, overwrite=overwrite)
    if not isinstance(result, DesignResult):
        raise InvalidInputError(f"result={type(result).__name__}; pass a DesignResult")
    text = json.dumps(
        {"ssenb_design": 1, "result": result.as_dict()}, allow_nan=True, default=json_default
    )
    return write_new_file(path, lambda tmp: tmp.write_text(text), overwrite=overwrite)


def read_design(path: str | os.PathLike[str]) -> DesignResult:
    """A design run written by :func:`write_design`, checked against ssenb's allow-list.

    Raises
    ------
    InvalidInputError
        Missing, too large, not JSON, or not a design file.
    """
    import json
    from pathlib import Path

    from .._decode import build_result, read_untrusted

    p = Path(path)
    if not p.exists():
        raise InvalidInputError(
            f"no design file at {p}; make one with write_design (or scripts/make_design_cache.py)"
        )
    raw = read_untrusted(p, max_bytes=MAX_FILE_BYTES)
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as err:
        raise InvalidInputError(f"{p} is not valid JSON: {str(err)[:200]}") from err
    if not isinstance(payload, dict) or payload.get("ssenb_design") != 1:
        raise InvalidInputError(f"{p} is not an ssenb design file (no 'ssenb_design': 1)")
    d = payload.get("result")
    if not isinstance(d, dict) or d.get("@class") != "DesignResult" or d.get("@module") != __name__:
        raise InvalidInputError(f"{p}: 'result' is not a DesignResult")
    try:
        result = build_result(DesignResult, d, ("result",))
    except InvalidInputError as err:
        raise InvalidInputError(f"{p}: {err}") from err
    _check_rows(result, p)
    return result


def _check_rows(result: DesignResult, path: Any) -> None:
    """A read run whose rows do not line up is refused (reuse= would pair wrong rows)."""
    import pandas.api.types as ptypes

    n = len(result.table)
    if not len(result.structures) == len(result.entries) == n:
        raise InvalidInputError(
            f"{path}: the table has {n} rows but {len(result.structures)} structures and "
            f"{len(result.entries)} entries (a file edited by hand or cut short); write it "
            "again with write_design"
        )
    for column in (K.E_POTENTIAL, INPUT_KEY):
        if column not in result.table.columns:
            raise InvalidInputError(
                f"{path}: the table has no {column!r} column; write it again with write_design"
            )
    if not ptypes.is_numeric_dtype(result.table[K.E_POTENTIAL]):
        raise InvalidInputError(
            f"{path}: column {K.E_POTENTIAL!r} holds non-numbers (eV/atom expected); write "
            "it again with write_design"
        )


__all__ = ["DesignResult", "design", "read_design", "write_design"]
