"""Package-wide rules: layers import only downward; ``import ssenb`` is light."""

import ast
import subprocess
import sys
from pathlib import Path

import ssenb

PKG = Path(ssenb.__file__).parent
# rank of each layer; a module may import only from ranks <= its own (same rank: siblings
# only where listed). errors/keys are shared by all.
RANK = {
    "data": 0,
    "features": 1,
    "thermo": 1,
    "transport": 1,  # BVSE landscapes; depends only on data
    "models": 2,
    "mlip": 2,
    "explain": 3,
    "summary": 3,
    "viz": 4,
    "widgets": 5,
    "report": 6,
    "pipeline": 6,  # thermo + a conductivity model -> decision table
    "li_table": 6,  # screen + property models -> the multi-property table
    "cli": 7,
}
SHARED = {"errors", "keys", "results", "_decode", "_pareto", "batch", "_lazy", "__init__"}


def _layer(path: Path) -> str:
    rel = path.relative_to(PKG).parts
    return rel[0].removesuffix(".py")


def _imported_layers(path: Path):
    tree = ast.parse(path.read_text())
    package = path.relative_to(PKG.parent).with_suffix("").parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = [*base, *(node.module.split(".") if node.module else [])]
                names = [target] if node.module else [[*base, a.name] for a in node.names]
            elif node.module and node.module.startswith("ssenb"):
                names = [node.module.split(".")]
            else:
                continue
            for parts in names:
                if len(parts) > 1:
                    yield parts[1], node.lineno
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("ssenb."):
                    yield a.name.split(".")[1], node.lineno


def test_layers_import_only_downward():
    bad = []
    for path in PKG.rglob("*.py"):
        own = _layer(path)
        if own in SHARED:
            continue
        for target, line in _imported_layers(path):
            target = target.removesuffix(".py")
            if target in SHARED or target == own:
                continue
            if (target == "features" and own == "thermo") or (
                target == "thermo" and own == "features"
            ):
                bad.append(f"{path.relative_to(PKG)}:{line} imports sibling layer {target}")
            elif RANK.get(target, -1) > RANK[own]:
                bad.append(f"{path.relative_to(PKG)}:{line} ({own}) imports {target}")
    assert not bad, "\n".join(bad)


def test_import_is_light_and_has_no_side_effects():
    code = (
        "import sys, time; t = time.perf_counter(); import ssenb; dt = time.perf_counter() - t; "
        "heavy = [m for m in ('pymatgen', 'matminer', 'shap', 'xgboost', 'sklearn', 'crystal_toolkit', 'ipywidgets', 'plotly') if m in sys.modules]; "
        "print(heavy, dt)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    heavy, seconds = out.rsplit(" ", 1)
    assert heavy == "[]"
    assert float(seconds) < 1.0


def test_subpackages_load_on_first_use():
    assert ssenb.thermo.stability_window is not None
    assert "thermo" in dir(ssenb)


def test_notebooks_are_committed_without_outputs():
    """Diff-friendly notebooks: CI executes them; the repository keeps only their source."""
    import json

    root = PKG.parent
    notebooks = sorted([*root.glob("tutorials/*.ipynb"), *root.glob("notebooks/*.ipynb")])
    assert len(notebooks) >= 9
    for path in notebooks:
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path.name
