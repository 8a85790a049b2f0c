"""Estimator parameters declared once and checked in ``fit`` (scikit-learn's idea).

scikit-learn's own ``_parameter_constraints`` machinery is private API; this is the small
part ssenb needs, raising ssenb's :class:`~ssenb.errors.InvalidInputError`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInputError


@dataclass(frozen=True)
class Constraint:
    """A numeric range (``kind`` int or float) or a custom ``check`` callable."""

    kind: type | None = None
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    none: bool = False
    exclude: tuple = ()
    check: Callable[[Any], Any] | None = None

    def describe(self) -> str:
        kind = "an integer" if self.kind is int else "a number"
        left = "(" if self.low_open else "["
        text = f"{kind} in {left}{self.low:g}, {self.high:g}]"
        if self.exclude:
            text += f" other than {', '.join(map(str, self.exclude))}"
        return text + (" or None" if self.none else "")

    def validate(self, name: str, value: Any, owner: str) -> None:
        if self.check is not None:
            self.check(value)
            return
        if value is None and self.none:
            return
        numeric = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if self.kind is int:
            numeric = isinstance(value, numbers.Integral) and not isinstance(value, bool)
        ok = numeric and math.isfinite(float(value)) and value not in self.exclude
        if ok:
            ok = (self.low < value if self.low_open else self.low <= value) and value <= self.high
        if not ok:
            raise InvalidInputError(
                f"{owner}: {name}={value!r} is invalid; it must be {self.describe()}"
            )


def validate_params(estimator: Any) -> None:
    """Check every declared parameter of ``estimator`` (called at the start of ``fit``)."""
    owner = type(estimator).__name__
    for name, constraint in estimator._parameter_constraints.items():
        constraint.validate(name, getattr(estimator, name), owner)


#: The XGBoost ensemble's parameters and their ranges, shared by every tree-ensemble
#: estimator of ssenb (the property models and the polymer model): declared once.
BOOSTER_CONSTRAINTS: dict[str, Constraint] = {
    "n_estimators": Constraint(int, 1, 100_000),
    "learning_rate": Constraint(float, 0.0, 1.0, low_open=True),
    "max_depth": Constraint(int, 1, 20),
    "subsample": Constraint(float, 0.0, 1.0, low_open=True),
    "colsample_bytree": Constraint(float, 0.0, 1.0, low_open=True),
    "min_child_weight": Constraint(float, 0.0, 1e6),
    "reg_lambda": Constraint(float, 0.0, 1e6),
    "n_models": Constraint(int, 1, 1000),
    "n_jobs": Constraint(int, -1, 4096, none=True, exclude=(0,)),
    "random_state": Constraint(int, 0, 2**32 - 1, none=True),
}


def xgboost_settings(estimator: Any) -> dict[str, Any]:
    """The estimator's tree settings under XGBoost's names (one mapping for every ssenb booster).

    ``learning_rate`` → ``eta``, ``reg_lambda`` → ``lambda``; ``max_depth``, ``subsample``,
    ``colsample_bytree`` and ``min_child_weight`` keep their names; XGBoost stays quiet.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> est = SimpleNamespace(learning_rate=0.1, max_depth=3, subsample=0.8,
    ...                       colsample_bytree=0.5, min_child_weight=1.0, reg_lambda=2.0)
    >>> xgboost_settings(est)["eta"], xgboost_settings(est)["lambda"]
    (0.1, 2.0)
    """
    return {
        "eta": estimator.learning_rate,
        "max_depth": estimator.max_depth,
        "subsample": estimator.subsample,
        "colsample_bytree": estimator.colsample_bytree,
        "min_child_weight": estimator.min_child_weight,
        "lambda": estimator.reg_lambda,
        "verbosity": 0,
    }
