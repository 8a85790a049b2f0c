"""Untrusted JSON trees back into ssenb results, through one closed allow-list.

A results file may come from someone else (a shared cache, a colleague's notebook). A
JSON object tagged ``{"@module": ..., "@class": ...}`` names code to run, and monty's
decoder, like pymatgen's own ``from_dict``s (site properties, an entry's ``data``,
``parameters`` and ``energy_adjustments``), imports whatever a tag names. So this module
walks the *whole* tree first, bottom-up, and builds every tagged object itself:

- only the classes in :data:`ALLOWED` are built, each by a rule that says which of its
  fields may hold which tagged objects (a Structure holds none; an entry's
  ``energy_adjustments`` hold adjustments only; its ``data`` and ``parameters`` none);
- monty and pymatgen only ever see trees whose tagged parts are already built objects;
- anything else (another module, ``@callable``, a frame of the wrong shape, nesting deeper
  than :data:`MAX_DEPTH`) is refused with :class:`~ssenb.errors.InvalidInputError` naming
  the path inside the file, e.g. ``hull_entries[3].data.foo``.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import os
import re
import stat
from collections.abc import Callable, Collection, Mapping
from typing import Any

from .errors import InvalidInputError

Where = tuple[str | int, ...]  # a place in the file: keys and list indices
Kind = tuple[str, str]  # (module, class) as a file tags an object

#: deepest nesting of lists and objects decoded (a result file needs about 10)
MAX_DEPTH = 64

_FRAME = "@frame"
_TAGS = ("@module", "@class", "@callable", "@bound")
_RECORD_TAGS = ("@module", "@class", "@version")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# ssenb's result classes: module -> class names (tests/faults/test_untrusted_files.py
# checks this list against every ``class X(Result)`` in the package)
_SSENB_RESULTS = {
    "ssenb.explain.shap_values": ("Explanation",),
    "ssenb.thermo.stability": ("PhaseStability",),
    "ssenb.thermo.window": ("StabilityWindow",),
    "ssenb.thermo.interface": ("InterfaceReactions",),
    "ssenb.thermo.interphases": ("Interphase",),
    "ssenb.thermo.coating": ("CoatingScreen",),
    "ssenb.models.predictor": ("ConductivityPrediction",),
    "ssenb.models.validation": ("CVReport",),
    "ssenb.models.polymer_validation": ("PolymerCVReport",),
    "ssenb.models.gap_moduli": ("MaterialProperties",),
    "ssenb.data.conductivity_table": ("ConductivityDataCard",),
    "ssenb.mlip.relaxation": ("Relaxation",),
    "ssenb.mlip.elastic": ("ElasticModuli",),  # from the props branch (merged here)
    "ssenb.mlip.benchmark": ("PotentialBenchmark",),
    "ssenb.mlip.mapped_hull": ("MappedScale",),
    "ssenb.mlip.interface": ("InterfaceCandidates", "InterfaceResult"),
    "ssenb.mlip.substitute": ("DopingResult",),
    "ssenb.design.propose": ("SubstitutionCandidates",),
    "ssenb.design.run": ("DesignResult",),
    "ssenb.transport.landscape": ("MigrationLandscape",),
    "ssenb.transport.network": ("PathwayGraph",),
    "ssenb.summary": ("MaterialSummary",),
    "ssenb.design.pipeline": ("CandidateTable",),
}
_ENTRY_MODULES = ("pymatgen.core.entries", "pymatgen.entries.computed_entries")
_ADJUSTMENTS = (
    "ConstantEnergyAdjustment",
    "CompositionEnergyAdjustment",
    "TemperatureEnergyAdjustment",
    "ManualEnergyAdjustment",
)


def read_untrusted(path: str | os.PathLike[str], *, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, read without blocking.

    Every file ssenb loads from a place others can write (a results file, a cache entry)
    is read here: the file is opened non-blocking and checked on the open descriptor, so
    a named pipe, a device or a folder at that path is refused at once instead of
    blocking forever or reading without end.

    Raises
    ------
    InvalidInputError
        Not a regular file, larger than ``max_bytes``, or unreadable (the message says why).

    Examples
    --------
    >>> import os, tempfile
    >>> fifo = os.path.join(tempfile.mkdtemp(), "pipe.json")
    >>> os.mkfifo(fifo)
    >>> read_untrusted(fifo, max_bytes=100)
    Traceback (most recent call last):
    ...
    ssenb.errors.InvalidInputError: ... is not a regular file ...
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise InvalidInputError(f"cannot read {os.fspath(path)!r}: {err.strerror or err}") from err
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # before fdopen, which refuses a folder itself
        os.close(fd)
        raise InvalidInputError(
            f"{os.fspath(path)!r} is not a regular file (a pipe, device or folder); "
            "ssenb reads only plain files"
        )
    with os.fdopen(fd, "rb") as fh:
        if info.st_size > max_bytes:
            raise InvalidInputError(
                f"{os.fspath(path)!r} has {info.st_size:,} bytes, more than the {max_bytes:,} "
                "this kind of file can have"
            )
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew while read
        raise InvalidInputError(f"{os.fspath(path)!r} is larger than {max_bytes:,} bytes")
    return data


def path_text(path: Where) -> str:
    """``("results", "a b", 3, "data")`` -> ``results['a b'][3].data`` (where in a file)."""
    if len(path) > 12:  # a runaway nesting: its start and end say enough
        return f"{path_text(path[:6])}...{path_text(('', *path[-3:]))}"
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT.fullmatch(part):
            out += f".{part}" if out else part
        elif part:
            out += f"[{part!r}]"
    return out


def refuse(path: Where, why: str) -> InvalidInputError:
    """The one error of an untrusted file: where in it, and what is wrong."""
    return InvalidInputError(f"at {path_text(path)}: {why}" if path else why)


#: result classes that moved, as files written before name them -> where they are now
_MOVED: dict[Kind, Kind] = {
    ("ssenb.pipeline", "CandidateTable"): ("ssenb.design.pipeline", "CandidateTable"),
}


def _kind(d: dict) -> Kind | None:
    if not any(t in d for t in _TAGS):
        return None
    kind = str(d.get("@module")), str(d.get("@class", d.get("@callable")))
    return _MOVED.get(kind, kind)


def decode(value: Any, path: Where = (), *, allow: Collection[Kind] | None = None) -> Any:
    """Rebuild ``value`` (a JSON tree) with only :data:`ALLOWED` objects; see the module doc.

    ``allow`` narrows which tagged objects this part of the tree may hold (None: any in
    :data:`ALLOWED`; empty: none, plain JSON only, as in a Structure's sites or an entry's
    data, where a result never writes anything else).
    """
    if len(path) > MAX_DEPTH:
        raise refuse(path, f"nested deeper than {MAX_DEPTH} levels; not an ssenb result")
    if isinstance(value, list | tuple):
        return [decode(v, (*path, i), allow=allow) for i, v in enumerate(value)]
    if not isinstance(value, dict):
        return value  # JSON scalars (or objects a caller built in memory)
    if _FRAME in value:
        if allow is not None:
            raise refuse(path, "a table is not allowed here")
        return _frame(value[_FRAME], (*path, _FRAME))
    kind = _kind(value)
    if kind is None:
        return {k: decode(v, (*path, str(k)), allow=allow) for k, v in value.items()}
    build = ALLOWED.get(kind) if allow is None or kind in allow else None
    if build is None:
        where = (
            ""
            if allow is None
            else f" (allowed here: {sorted(c for _, c in allow) or 'plain JSON only'})"
        )
        raise refuse(
            path,
            f"refusing to rebuild an object of module {kind[0]!r}, class {kind[1]!r}{where}; "
            "results decode only ssenb's result classes and the pymatgen structures and "
            "entries they hold",
        )
    return build(kind, value, path)


def _frame(spec: Any, path: Where) -> Any:
    import pandas as pd

    if not isinstance(spec, dict):
        raise refuse(path, f"a table must be an object, not {type(spec).__name__}")
    columns, data, index = spec.get("columns"), spec.get("data"), spec.get("index", [])
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise refuse((*path, "columns"), "a table needs 'columns', a list of names")
    if not isinstance(data, list) or not all(
        isinstance(r, list) and len(r) == len(columns) for r in data
    ):
        raise refuse(
            (*path, "data"), f"a table needs 'data', a list of rows of {len(columns)} cells"
        )
    if not isinstance(index, list) or (index and len(index) != len(data)):
        raise refuse((*path, "index"), f"a table's 'index' must list {len(data)} labels")
    rows = decode(data, (*path, "data"))
    labels = decode(index, (*path, "index"))
    frame = pd.DataFrame(rows, columns=columns, index=labels or None)
    if spec.get("series"):
        if len(columns) != 1:
            raise refuse(path, "a series is a table of one column")
        return frame.iloc[:, 0]
    return frame


def _ssenb_class(kind: Kind) -> type:
    return getattr(importlib.import_module(kind[0]), kind[1])  # from the closed list only


def _result(kind: Kind, value: dict, path: Where) -> Any:
    return build_result(_ssenb_class(kind), value, path)


def build_result(cls: type, d: Any, path: Where = ()) -> Any:
    """A :class:`ssenb.results.Result` subclass from its dict, every field checked."""
    name = cls.__name__
    if not isinstance(d, dict):
        raise refuse(path, f"{name} needs an object of fields, not {type(d).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(str(k) for k in d if not str(k).startswith("@") and k not in fields)
    if unknown:
        raise refuse(path, f"{name} got unknown fields {unknown}; expected {sorted(fields)}")
    missing = sorted(
        n
        for n, f in fields.items()
        if n not in d
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    )
    if missing:
        raise refuse(path, f"{name} is missing fields {missing}; was the file cut short?")
    values = {}
    for key, field in fields.items():
        if key in d:
            values[key] = decode(d[key], (*path, key))
            _check_type(values[key], field.type, name, (*path, key))
    try:
        result = cls(**values)
        result.title(), result.summary(), result.provenance()  # a result must render
    except Exception as err:
        raise refuse(
            path, f"the values do not make a valid {name} ({type(err).__name__}: {err})"
        ) from err
    return result


_SIMPLE = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}
_SIMPLE |= {"list": (list,), "dict": (dict,), "None": (type(None),)}


def _check_type(value: Any, annotation: Any, name: str, path: Where) -> None:
    """Plain field types (``str``, ``float``, ``list[str]``, ``X | None``, frames) checked."""
    import pandas as pd

    allowed: list[type] = []
    for part in str(annotation).split("|"):
        head = part.strip().split("[")[0].strip()
        if head in _SIMPLE:
            allowed.extend(_SIMPLE[head])
        elif head == "pd.DataFrame":
            allowed.append(pd.DataFrame)
        else:
            return  # a class or Any: its own decoder checked it
    bad_bool = isinstance(value, bool) and bool not in allowed
    if bad_bool or not isinstance(value, tuple(allowed)):
        raise refuse(
            path,
            f"{name} needs {annotation} here, not {type(value).__name__} {str(value)[:40]!r}",
        )


def _decomposition(kind: Kind, value: dict, path: Where) -> Any:
    from .thermo.decomposition import Decomposition

    fractions = value.get("fractions", {})
    ok = isinstance(fractions, dict) and all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        for v in fractions.values()
    )
    if not ok:
        raise refuse((*path, "fractions"), "a decomposition needs {phase: finite fraction}")
    return Decomposition(fractions)


def _pymatgen(
    cls_of: Callable[[], type], nested: Mapping[str, Collection[Kind]] | None = None
) -> Callable[[Kind, dict, Where], Any]:
    """Build a pymatgen object; only the fields in ``nested`` may hold (those) tagged objects."""

    def build(kind: Kind, value: dict, path: Where) -> Any:
        plain = {
            k: decode(v, (*path, k), allow=(nested or {}).get(k, ()))
            for k, v in value.items()
            if not k.startswith("@")
        }
        try:
            return cls_of().from_dict(plain)  # type: ignore[attr-defined]
        except Exception as err:
            raise refuse(path, f"not a valid {kind[1]} ({type(err).__name__}: {err})") from err

    return build


def _adjustment(kind: Kind, value: dict, path: Where) -> Any:
    """An energy adjustment; its ``cls`` (which correction scheme) is kept as plain data."""
    import inspect

    from pymatgen.entries import computed_entries as entries  # older pymatgen: only here

    cls = getattr(entries, kind[1])
    params = set(inspect.signature(cls.__init__).parameters) - {"self"}
    args = {}
    for key, raw in value.items():
        if key.startswith("@"):
            continue
        if key not in params:
            raise refuse((*path, key), f"{kind[1]} has no field {key!r}")
        if key == "cls" and isinstance(raw, dict):  # which scheme made it: a record
            tags = {k: v for k, v in raw.items() if k in _RECORD_TAGS}  # never imported
            if not all(isinstance(v, str | None) for v in tags.values()):
                raise refuse((*path, key), "a correction scheme's tags are text")
            rest = {k: v for k, v in raw.items() if k not in _RECORD_TAGS}
            args[key] = {**tags, **decode(rest, (*path, key), allow=())}
        else:
            args[key] = decode(raw, (*path, key), allow=())
    try:
        return cls(**args)
    except Exception as err:
        raise refuse(path, f"not a valid {kind[1]} ({type(err).__name__}: {err})") from err


def _structure_cls() -> type:
    from pymatgen.core import Structure

    return Structure


def _entry_cls(name: str) -> Callable[[], type]:
    def get() -> type:
        from pymatgen.entries import computed_entries as entries  # older pymatgen: only here

        return getattr(entries, name)

    return get


_Builder = Callable[[Kind, dict, Where], Any]
_STRUCTURE = ("pymatgen.core.structure", "Structure")
_ADJUSTMENT_KINDS = [(m, a) for m in _ENTRY_MODULES for a in _ADJUSTMENTS]
_IN_ENTRY = {"energy_adjustments": _ADJUSTMENT_KINDS, "structure": [_STRUCTURE]}

#: (module, class) -> the rule that builds it; nothing else in a file is ever built
ALLOWED: dict[Kind, _Builder] = {
    **{(m, c): _result for m, names in _SSENB_RESULTS.items() for c in names},
    ("ssenb.thermo.decomposition", "Decomposition"): _decomposition,
    _STRUCTURE: _pymatgen(_structure_cls),
    **{
        (m, "ComputedEntry"): _pymatgen(_entry_cls("ComputedEntry"), _IN_ENTRY)
        for m in _ENTRY_MODULES
    },
    **{
        (m, "ComputedStructureEntry"): _pymatgen(_entry_cls("ComputedStructureEntry"), _IN_ENTRY)
        for m in _ENTRY_MODULES
    },
    **dict.fromkeys(_ADJUSTMENT_KINDS, _adjustment),
}
