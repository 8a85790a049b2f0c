"""TransportFeatures: matminer contract, NaN for materials BVSE cannot treat."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.features.transport import NO_PATH_EV, TransportFeatures
from ssenb.transport import batch, migration_landscape


def _li2o() -> Structure:
    return Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.61), ["Li", "O"], [[0.25, 0.25, 0.25], [0, 0, 0]]
    )


def test_contract_and_values_match_the_landscape():
    f = TransportFeatures()
    assert f.family == "Li migration barriers (BVSE)"
    values = f.featurize(_li2o())
    labels = f.feature_labels()
    assert len(values) == len(labels) == 6 and all("(eV)" in x for x in labels[:3])
    land = migration_landscape(_li2o(), resolution=0.2)
    assert values[:3] == pytest.approx([land.barrier_1d, land.barrier_2d, land.barrier_3d])
    assert values[3] == 3.0 and 0 < values[5] < 1 and 0 < values[4] <= 1
    assert any("Adams" in c for c in f.citations()) and f.implementors()


def test_nan_where_bvse_cannot_treat_the_material():
    f = TransportFeatures()
    nacl = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    assert all(math.isnan(v) for v in f.featurize(nacl))
    assert "holds no Li" in f.last_error
    lih = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.08), ["Li", "H"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    lih.add_oxidation_state_by_element({"Li": 1, "H": -1})
    assert all(math.isnan(v) for v in f.featurize(lih))
    with pytest.raises(InvalidInputError, match="ion='Cs'"):
        TransportFeatures(ion="Cs").featurize(_li2o())


def test_no_percolating_path_becomes_the_cap(monkeypatch):
    row = {
        K.FORMULA: "X",
        K.BARRIER_1D: 1.5,
        K.BARRIER_2D: math.inf,
        K.BARRIER_3D: math.inf,
        K.PATHWAY_DIMENSION: 1,
        K.ION_SITE_CONNECTIVITY: 0.5,
        K.PATHWAY_VOLUME_FRACTION: 0.01,
        K.RUN_TIME: 0.1,
    }
    monkeypatch.setattr(batch, "barrier_row", lambda *a, **k: dict(row))
    import ssenb.transport

    monkeypatch.setattr(ssenb.transport, "barrier_row", lambda *a, **k: dict(row))
    values = TransportFeatures().featurize(_li2o())
    assert values[:3] == [1.5, NO_PATH_EV, NO_PATH_EV] and np.isfinite(values).all()


def test_featurize_dataframe_on_obelix_rows(obelix):
    rows = obelix[obelix[K.ID].isin(["gvd", "883", "wyu"])].copy()
    f = TransportFeatures()
    f.set_n_jobs(1)
    out = f.featurize_dataframe(rows, K.STRUCTURE, pbar=False)
    by_id = out.set_index(K.ID)
    label = "3D Li migration barrier, BVSE (eV)"
    assert math.isnan(by_id.loc["883", label])  # LiAlH4: hydride, no parameters
    assert by_id.loc["wyu", label] == pytest.approx(0.54, abs=0.02)  # LLZO, bvlain 0.54 eV
