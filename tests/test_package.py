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
    "design": 3,  # candidates and the decision-table pipeline; above mlip and models
    "explain": 3,
    "summary": 3,
    "viz": 4,
    "widgets": 5,
    "report": 6,
    "report_design": 6,  # the design report (ssenb design); beside report
    "pipeline": 6,  # a re-export of design.pipeline (moved there), kept for old imports
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


def test_the_version_is_written_once():
    """pyproject reads the version from ssenb.__version__; the installed metadata agrees."""
    import importlib.metadata
    import tomllib

    project = tomllib.loads((PKG.parent / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "ssenb.__version__"
    assert importlib.metadata.version("ssenb") == ssenb.__version__


def test_every_subpackage_is_reachable_lazily():
    """``ssenb.<subpackage>`` works after ``import ssenb``, for every folder with an __init__."""
    folders = sorted(p.parent.name for p in PKG.glob("*/__init__.py"))
    assert {"transport", "mlip"} <= set(folders)
    assert set(folders) <= set(ssenb.__all__) and set(folders) <= set(dir(ssenb))
    code = "import ssenb; ssenb.transport, ssenb.mlip"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def _module_graph(*, top_level_only: bool) -> dict[str, set[str]]:
    """module -> ssenb modules it imports (``TYPE_CHECKING`` blocks left out)."""

    def name_of(path: Path) -> str:
        parts = path.relative_to(PKG.parent).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    modules = {name_of(p): p for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        nodes = tree.body if top_level_only else list(ast.walk(tree))
        skip = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for sub in node.body
            for n in ast.walk(sub)
        }
        out: set[str] = set()
        for node in nodes:
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                for alias in node.names:
                    full = f"{module}.{alias.name}"
                    out.add(full if full in modules else module)
            elif isinstance(node, ast.Import):
                out.update(a.name for a in node.names)
        graph[name] = {m for m in out if m in modules and m not in (name, "ssenb")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


#: Import circles a comment justifies (through imports inside functions only).
CIRCLES_ALLOWED = [
    # the decoder's closed allow-list (ssenb._decode, shared) names the classes a result
    # may hold, Decomposition among them; Result.from_dict calls the decoder: both
    # imports are inside functions, and at import time decomposition -> results only
    ["ssenb._decode", "ssenb.results", "ssenb.thermo.decomposition"],
    # MigrationLandscape.graph() is a convenience that calls network.pathway_graph, and
    # pathway_graph checks that it got a MigrationLandscape: both imports are inside the
    # functions; at import time the arrow goes one way (landscape -> network, whose
    # constants, the no-path cap among them, the landscape uses)
    ["ssenb.transport.landscape", "ssenb.transport.network"],
]


def test_no_import_circles():
    """Modules import each other one way, at import time and inside functions alike.

    A circle at import time breaks on reordering; one through function-level imports
    hides a design knot (e.g. feature family names defined in the presets module that
    imports the featurizers which need them: now a leaf module, ``features/families``).
    """
    assert _cycles(_module_graph(top_level_only=True)) == []
    assert _cycles(_module_graph(top_level_only=False)) == CIRCLES_ALLOWED


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


#: Private modules still imported across packages, each with the reason it waits.
PRIVATE_IMPORTS_ALLOWED: set[tuple[str, str]] = set()


def test_no_module_imports_another_packages_private_module():
    bad = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG.parent).as_posix()
        own = path.relative_to(PKG).parts[0]
        package = ".".join(path.relative_to(PKG.parent).with_suffix("").parts[:-1])
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module])
            else:
                module = node.module
            parts = module.split(".")
            if parts[0] != "ssenb" or len(parts) < 3 or parts[1] == own:
                continue
            if any(p.startswith("_") for p in parts[2:]) and (rel, module) not in (
                PRIVATE_IMPORTS_ALLOWED
            ):
                bad.append(f"{rel}:{node.lineno} imports {module}")
    assert not bad, "\n".join(bad)
