"""One exception hierarchy for ssenb.

Every error the package raises on purpose derives from :class:`SsenbError`, and each
concrete class also derives from the builtin it refines, so ``except ValueError`` in a
user's code keeps working. Messages name the argument, echo the value, and say how to
fix it.
"""

from __future__ import annotations

__all__ = [
    "DataIntegrityError",
    "DataUnavailableError",
    "FeaturizationError",
    "IncompatibleSourcesError",
    "InvalidInputError",
    "ModelFileError",
    "NotFittedError",
    "SsenbError",
    "SsenbWarning",
    "UnknownNameError",
    "UnsupportedMaterialError",
]


class SsenbError(Exception):
    """Root of every error raised by ssenb on purpose."""


class SsenbWarning(UserWarning):
    """Root of ssenb's warnings (tests turn them into errors)."""


class InvalidInputError(SsenbError, ValueError):
    """An argument has the wrong value or form (bad formula, empty frame, NaN features...)."""


class UnknownNameError(InvalidInputError, KeyError):
    """A name (dataset, split, preset, source, electrode) is not one ssenb knows.

    Inherits ``KeyError`` for ``except KeyError`` users but prints like a ``ValueError``.
    """

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class DataUnavailableError(SsenbError, FileNotFoundError):
    """A data file is neither in the cache nor downloadable (offline, no mirror)."""


class DataIntegrityError(SsenbError, OSError):
    """A data file is there but its sha256 does not match the registry."""


class UnsupportedMaterialError(InvalidInputError):
    """The material is valid but outside what the method or data covers.

    E.g. an element missing from the thermodynamic data, or a disordered structure
    where an ordered one is needed.
    """


class IncompatibleSourcesError(InvalidInputError):
    """Entries from different sources/correction schemes would be mixed in one hull."""


class FeaturizationError(SsenbError, RuntimeError):
    """A featurizer failed for every row, or in ``errors="raise"`` mode for one row."""


class NotFittedError(SsenbError, AttributeError):
    """A model was used before ``fit``. Mirrors :class:`sklearn.exceptions.NotFittedError`."""


class ModelFileError(SsenbError, OSError):
    """A saved model is missing, corrupt, or from an incompatible ssenb version."""
