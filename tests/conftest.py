"""Test setup: offline, data from the shared mirror (or $SSENB_DATA_DIR)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_DEFAULT_MIRROR = REPO.parent / "shared" / "data"

# No network in tests, ever; data comes from the mirror unless the caller points elsewhere.
os.environ["SSENB_OFFLINE"] = "1"
os.environ.setdefault("SSENB_DATA_DIR", str(_DEFAULT_MIRROR))
MIRROR = Path(os.environ["SSENB_DATA_DIR"])


@pytest.fixture(scope="session")
def mirror() -> Path:
    if not (MIRROR / "obelix" / "train.csv").is_file():
        pytest.fail(
            f"data mirror not found at {MIRROR}: set SSENB_DATA_DIR to the shared data folder"
        )
    return MIRROR


@pytest.fixture(scope="session")
def obelix(mirror):
    from ssenb.data import load_obelix

    return load_obelix("train")


@pytest.fixture(scope="session")
def mp_table(mirror):
    from ssenb.data import load_mp_snapshot

    return load_mp_snapshot()


@pytest.fixture(scope="session")
def fitted(obelix):
    """A small conductivity model fitted on the OBELiX training split (shared, read-only)."""
    from ssenb.models import ConductivityModel

    return ConductivityModel(random_state=0, n_models=3, n_estimators=120).fit(obelix)


@pytest.fixture(scope="session")
def small_models(obelix):
    """Small fitted models for every preset the predictor routes to (shared, read-only)."""
    from ssenb.models import ConductivityModel

    return {
        preset: ConductivityModel(preset=preset, random_state=0, n_models=2, n_estimators=40).fit(
            obelix
        )
        for preset in ("composition", "composition+lattice", "composition+structure")
    }


@pytest.fixture(scope="session")
def tiny_property_models(mirror):
    """Band-gap/modulus models fitted on 400 rows of each composition table (wiring only)."""
    import pandas as pd

    from ssenb.data import property_table
    from ssenb.models import PropertyModel

    out = {}
    for name, target, col in (
        ("pbe_gap", "band_gap_pbe", "band_gap_pbe_eV"),
        ("log10_g", "log10_shear_modulus", "log10_G_VRH_GPa"),
        ("log10_k", "log10_bulk_modulus", "log10_K_VRH_GPa"),
    ):
        t = property_table(name).reset_index().sample(400, random_state=1)
        frame = pd.DataFrame({"formula": t["reduced_formula"], col: t[col]})
        out[name] = PropertyModel(
            target=target, n_estimators=20, n_models=2, random_state=0, n_jobs=1
        ).fit(frame)
    return out


@pytest.fixture
def fresh_python() -> Callable[..., str]:
    """Run code in a fresh interpreter (what a new kernel imports); its stdout.

    Fails the test with the child's stderr when the code fails or runs past ``timeout`` s.
    """

    def run(code: str, timeout: float = 300) -> str:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout
        )
        assert out.returncode == 0, out.stderr
        return out.stdout

    return run


@pytest.fixture(scope="session")
def polymer_data(mirror):
    """Bradford et al.'s polymer-electrolyte table (shared, read-only)."""
    from ssenb.data import load_polymer_electrolytes

    return load_polymer_electrolytes()


@pytest.fixture(scope="session")
def polymer_model(polymer_data):
    """A small polymer-electrolyte conductivity model on Bradford et al.'s data (read-only)."""
    from ssenb.models import PolymerConductivityModel

    return PolymerConductivityModel(n_models=2, n_estimators=60, random_state=0).fit(polymer_data)


@pytest.fixture(scope="session")
def load_script() -> Callable[[str], object]:
    """A script of ``scripts/`` as a module (scripts are not a package): ``load_script("x")``."""
    import importlib.util

    def load(name: str) -> object:
        spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load
