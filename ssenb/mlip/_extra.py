"""The optional ``mlip`` extra: a clear message when torch, CHGNet or ASE is missing.

:class:`~ssenb.errors.MissingExtraError` lives in :mod:`ssenb.errors` with the other errors;
it is re-exported here and from :mod:`ssenb.mlip` for code that imported it from there.
"""

from __future__ import annotations

from ..errors import MissingExtraError

#: how to install the extra: CPU torch with pip first, so that uv does not fetch a CUDA build
INSTALL = (
    "python3 -m pip --python .venv/bin/python install torch==2.13.0   # CPU torch first\n"
    '    uv pip install -e ".[mlip]"                                        # then the extra\n'
    '(with plain pip: pip install torch==2.13.0 && pip install "ssenb[mlip]"; install torch '
    "with pip first so that uv does not fetch a CUDA build of several GB)"
)


def require(*modules: str) -> None:
    """Fail early, with the install commands, when an optional dependency of the extra is missing.

    Parameters
    ----------
    *modules : str
        Importable module names, e.g. ``"torch", "chgnet", "ase"``.

    Raises
    ------
    MissingExtraError
        Naming the first module that does not import and the ``mlip`` extra that brings it.
    """
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as err:
            raise MissingExtraError(
                f"ssenb.mlip needs {name!r}, which is not installed ({err}). Install the "
                f"'mlip' extra:\n    {INSTALL}"
            ) from err
        except OSError as err:  # a broken install: a shared library that does not load
            raise MissingExtraError(
                f"ssenb.mlip needs {name!r}, which is installed but does not load "
                f"({type(err).__name__}: {err}); reinstall it:\n    {INSTALL}"
            ) from err


__all__ = ["INSTALL", "MissingExtraError", "require"]
