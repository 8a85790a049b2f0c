"""Candidates compensated by Li interstitials: the extra Li sit at the host's BVSE minima.

Ge⁴⁺ on Sb⁵⁺ in Li3SbS4 (OBELiX ``mq1``, 16 atoms: Li6 Sb2 S8) at half the Sb sites: one
Ge replaces one Sb, the cell loses one positive charge and gains one Li⁺, so the doped
cell is Li7 Ge Sb S8 (7·(+1) + 4 + 5 − 8·2 = 0 by hand).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pymatgen.core import Lattice, Structure

from ssenb import keys as K


@pytest.fixture(scope="module")
def li3sbs4(obelix):
    from ssenb.mlip.substitutions import with_oxidation_states

    return with_oxidation_states(obelix.set_index("id").loc["mq1", "structure"])


def _ge4_row(host):
    from ssenb.design import propose_substitutions

    t = propose_substitutions(host, dopants=["Ge"], sites=["Sb"], fractions=[0.5],
                              max_atoms=17, top=None).table  # fmt: skip
    return t[t[K.DOPANT_OXIDATION_STATE] == 4]


def test_ge_on_sb_gets_one_li_per_ge_at_bvse_minima(li3sbs4):
    from ssenb.design._jobs import candidate_jobs
    from ssenb.transport import interstitial_sites
    from ssenb.transport.interstitials import MIN_DISTANCE_A

    row = _ge4_row(li3sbs4)
    assert float(row[K.LI_PER_DOPANT].iloc[0]) == 1  # 5 - 4: one Li per Ge
    jobs = candidate_jobs(li3sbs4, row, (0.5,), max_atoms=17, n_orderings=2, errors="raise")
    assert [j.candidate for j in jobs] == ["Ge4+ on Sb 1/2 #1", "Ge4+ on Sb 1/2 #2"]
    sites = interstitial_sites(li3sbs4)
    site_frac = sites[["a_frac", "b_frac", "c_frac"]].to_numpy()
    host_frac = li3sbs4.frac_coords
    for job in jobs:
        s = job.structure
        amounts = {el.symbol: a for el, a in s.composition.items()}
        assert amounts == {"Li": 7, "Ge": 1, "Sb": 1, "S": 8}
        # the one Li that is not on a host Li site sits on a BVSE interstitial minimum
        li = s.frac_coords[[sp.symbol == "Li" for sp in s.species]]
        to_host = s.lattice.get_all_distances(li, host_frac).min(axis=1)
        added = li[to_host > 0.01]
        assert len(added) == 1
        d_site = s.lattice.get_all_distances(added, site_frac)[0]
        assert d_site.min() < 0.01
        energy = float(sites["bvse_energy_eV"].iloc[int(d_site.argmin())])
        others = [i for i in range(len(s)) if not np.allclose(s.frac_coords[i], added[0])]
        assert s.lattice.get_all_distances(added, s.frac_coords[others]).min() >= MIN_DISTANCE_A
        assert job.compensation == (
            f"1 Li interstitial per dopant; 1 Li at BVSE minimum {energy:.2f} eV above the "
            f"landscape minimum (>= {MIN_DISTANCE_A} Å from every host atom)"
        )
    assert jobs[0].ewald_eV_atom <= jobs[1].ewald_eV_atom  # lowest Ewald energy first


def test_host_with_no_room_is_a_recorded_row():
    from ssenb.design._jobs import candidate_jobs
    from ssenb.mlip.substitutions import with_oxidation_states
    from ssenb.transport import interstitial_sites

    # Li3N (P6/mmm, a = 3.65, c = 3.87 Å): every Li BVSE minimum is a Li site
    li3n = with_oxidation_states(Structure(
        Lattice.hexagonal(3.65, 3.87), ["N", "Li", "Li", "Li"],
        [[0, 0, 0], [0, 0, 0.5], [1 / 3, 2 / 3, 0], [2 / 3, 1 / 3, 0]],
    ))  # fmt: skip
    assert interstitial_sites(li3n).empty
    row = pd.DataFrame([{  # C4- on N3-: one more Li per C (made by hand, not proposed)
        K.SITE: "N", K.DOPANT: "C", K.DOPANT_OXIDATION_STATE: -4.0, K.SITE_FRACTIONS: "0.5",
        K.CHARGE_BALANCED: True, K.REASONS: "", K.LI_PER_DOPANT: 1.0,
        K.COMPENSATION: "1 Li interstitial per dopant",
    }])  # fmt: skip
    (job,) = candidate_jobs(li3n, row, (0.5,), max_atoms=16, n_orderings=1, errors="record")
    assert job.structure is None
    assert "no interstitial site in the host" in job.error
    from ssenb.errors import UnsupportedMaterialError

    with pytest.raises(UnsupportedMaterialError, match="no minimum of its Li BVSE landscape"):
        candidate_jobs(li3n, row, (0.5,), max_atoms=16, n_orderings=1, errors="raise")
