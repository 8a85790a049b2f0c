"""ssenb: solid-state electrolytes in a notebook.

Subpackages load on first use (``ssenb.thermo``, ``ssenb.models`` ...) so that
``import ssenb`` stays light and has no side effects.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import types

#: The one place the version is written (pyproject.toml reads it: dynamic version).
__version__ = "0.1.0"

_SUBPACKAGES = (
    "data",
    "features",
    "thermo",
    "transport",
    "models",
    "mlip",
    "design",
    "explain",
    "viz",
    "widgets",
    "errors",
    "keys",
)

if TYPE_CHECKING:  # pragma: no cover
    from . import (  # noqa: F401
        data,
        design,
        errors,
        explain,
        features,
        keys,
        mlip,
        models,
        thermo,
        transport,
        viz,
        widgets,
    )


def __getattr__(name: str) -> types.ModuleType:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'ssenb' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_SUBPACKAGES])


__all__ = ["__version__", *_SUBPACKAGES]
