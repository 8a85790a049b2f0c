"""Universal interatomic potentials (MLIPs): benchmarked against DFT, then used on new candidates.

An optional layer (``pip install "ssenb[mlip]"``, torch first: see :mod:`ssenb.mlip._extra`).
Importing ``ssenb.mlip`` is light: torch and CHGNet load only when a potential is made.

1. :func:`benchmark_potential` compares a potential with DFT entries of the chemistry at hand
   (energies, formation energies, E_hull, "on the hull" confusion matrices).
2. :func:`substitute` dopes a host structure, relaxes the lowest orderings with the potential
   and places them on a hull computed with the same potential and corrections, with the
   benchmark's E_hull error as uncertainty; :meth:`DopingResult.entry_source` hands the result to
   :mod:`ssenb.thermo` (windows, interface reactions) as a user entry source.
3. :func:`relax_many` and :func:`single_points` run many structures, one task each, on a
   process pool or a Dask cluster (``executor=``), resumable from a checkpoint folder;
   :func:`orderings_many` enumerates the orderings of many hosts the same way.
4. :func:`mapped_e_hull` places a new structure's potential energy against the offline
   MP ~2019 snapshot hull, through elemental references fitted on reference structures
   (:mod:`ssenb.mlip.reference_set`), with the leave-one-out E_hull MAE as uncertainty
   (:class:`MappedScale`); :func:`mapped_entries` / :func:`mapped_source` hand the mapped
   energies to :mod:`ssenb.thermo`, marked as MLIP-mapped.
5. :func:`elastic_moduli` fits the elastic tensor from strained cells and gives the
   Voigt–Reuss–Hill shear and bulk moduli (GPa) with a Born stability check.
6. :func:`interface_cells` builds lattice-matched interface cells (pymatgen's ZSL builder,
   its known bugs guarded); :func:`interface_energy` gives their work of adhesion (J/m²)
   and, with ``bvse=True``, whether Li paths cross the interface.
"""

from ..errors import MissingExtraError
from .batch import relax_many, single_points
from .benchmark import PotentialBenchmark, benchmark_potential
from .cache import read_results, write_results
from .elastic import ElasticModuli, elastic_moduli, vrh_moduli
from .entries import mlip_entry, mlip_source
from .interface import (
    InterfaceCandidates,
    InterfaceResult,
    interface_cells,
    interface_energy,
    interface_li_paths,
)
from .mapped_hull import (
    MappedScale,
    default_potential,
    mapped_e_hull,
    mapped_entries,
    mapped_scale,
    mapped_source,
)
from .orderings import OrderingRequest, orderings_many
from .potential import Calculation, CHGNetPotential, Potential, load_chgnet
from .relaxation import Relaxation, relax
from .sevennet import SevenNetPotential, load_sevennet
from .substitute import DopingResult, substitute

__all__ = [
    "CHGNetPotential",
    "Calculation",
    "DopingResult",
    "ElasticModuli",
    "InterfaceCandidates",
    "InterfaceResult",
    "MappedScale",
    "MissingExtraError",
    "OrderingRequest",
    "Potential",
    "PotentialBenchmark",
    "Relaxation",
    "SevenNetPotential",
    "benchmark_potential",
    "default_potential",
    "elastic_moduli",
    "interface_cells",
    "interface_energy",
    "interface_li_paths",
    "load_chgnet",
    "load_sevennet",
    "mapped_e_hull",
    "mapped_entries",
    "mapped_scale",
    "mapped_source",
    "mlip_entry",
    "mlip_source",
    "orderings_many",
    "read_results",
    "relax",
    "relax_many",
    "single_points",
    "substitute",
    "vrh_moduli",
    "write_results",
]
