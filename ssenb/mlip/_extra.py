"""The optional ``mlip`` extra: a clear message when torch or CHGNet is missing."""

from __future__ import annotations

from ..errors import SsenbError

INSTALL = (
    "python3 -m pip --python .venv/bin/python install torch==2.13.0   # CPU torch first\n"
    '    uv pip install -e ".[mlip]"                                        # then the extra\n'
    "(with plain pip: pip install torch==2.13.0 && pip install 'ssenb[mlip]'; install torch "
    "with pip first so that uv does not fetch a CUDA build of several GB)"
)


class MissingExtraError(SsenbError, ImportError):
    """An optional dependency of ``ssenb.mlip`` (torch, chgnet, ase) is not installed."""


def require(*modules: str) -> None:
    """Import ``modules`` or raise :class:`MissingExtraError` with the install commands."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as err:
            raise MissingExtraError(
                f"ssenb.mlip needs {name!r}, which is not installed ({err}). Install the "
                f"'mlip' extra:\n    {INSTALL}"
            ) from err
