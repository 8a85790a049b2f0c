"""One exception hierarchy for ssenb.

Every error the package raises on purpose derives from :class:`SsenbError`, and each
concrete class also derives from the builtin it refines, so ``except ValueError`` in a
user's code keeps working. Messages name the argument, echo the value, and say how to
fix it.
"""

from __future__ import annotations

__all__ = [
    "CancelledError",
    "DataIntegrityError",
    "DataUnavailableError",
    "FeaturizationError",
    "IncompatibleSourcesError",
    "InvalidInputError",
    "MissingExtraError",
    "ModelFileError",
    "NotFittedError",  # noqa: F822 (built on first use by __getattr__)
    "SsenbError",
    "SsenbWarning",
    "TaskLostError",
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


class ModelFileError(SsenbError, OSError):
    """A saved model is missing, corrupt, or from an incompatible ssenb version."""


class TaskLostError(SsenbError, RuntimeError):
    """A batch task never came back: its worker died, or its future was cancelled.

    E.g. a broken process pool, Dask's ``KilledWorker``, a pre-empted node. Its rows are
    recorded as failed; rerunning those inputs retries them.
    """


class CancelledError(SsenbError, RuntimeError):
    """A computation was stopped on request (a widget's Cancel), at a point where it could stop.

    A relaxation checks its cancel event at every ionic step (:func:`ssenb.mlip.relax`);
    ``n_steps`` says how many it had taken. Nothing of the stopped computation is a result:
    batches do not record it as a row's failure but stop, like Ctrl-C
    (:func:`ssenb.batch.run_row`), and no checkpoint row is written for it.
    """

    def __init__(self, message: str, n_steps: int = 0) -> None:
        super().__init__(message)
        self.n_steps = n_steps

    def __reduce__(self) -> tuple:  # pickles with its step count (back from a worker)
        return (type(self), (str(self), self.n_steps))


class MissingExtraError(SsenbError, ImportError):
    """An optional dependency is not installed; the message names the extra that brings it.

    E.g. torch, CHGNet or ASE for :mod:`ssenb.mlip`: ``pip install "ssenb[mlip]"``.
    """


def _not_fitted_error() -> type:
    """The one not-fitted error of ssenb; also scikit-learn's, so sklearn's checks recognise it.

    Built on first use: importing scikit-learn costs seconds, and most of ssenb never
    needs this class.
    """
    try:
        from sklearn.exceptions import NotFittedError as SklearnNotFitted

        bases: tuple[type, ...] = (SsenbError, SklearnNotFitted)
    except ImportError:  # pragma: no cover - scikit-learn is a core dependency
        bases = (SsenbError, ValueError, AttributeError)
    return type(
        "NotFittedError",
        bases,
        {
            "__module__": __name__,
            "__doc__": "A model was used before ``fit``: call ``fit()`` or load a saved model.",
        },
    )


def __getattr__(name: str) -> type:
    if name == "NotFittedError":
        cls = _not_fitted_error()
        globals()["NotFittedError"] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
