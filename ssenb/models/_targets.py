"""What a property model learns: one declared spec per target, not one class per property.

A :class:`Target` says which frame column holds the label, its unit, whether some labels
are bounds (censoring), whether it is a log10, the range a label may take, and which
elements a material must hold for the model to speak about it. :class:`PropertyModel`
reads everything target-specific from here; adding a property is adding a spec
(:func:`register_target`), never a copy of the estimator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .. import keys as K
from ..errors import InvalidInputError, UnknownNameError


@dataclass(frozen=True)
class Target:
    """One learnable property of a material (the label of a :class:`PropertyModel`).

    Attributes
    ----------
    name : str
        Short key (``PropertyModel(target=name)``).
    label : str
        Frame column the model learns from when ``fit`` gets a material frame.
    quantity : str
        What the label is, in words ("room-temperature Li-ion conductivity").
    unit : str
        Unit of the label itself ("log10 S/cm", "eV").
    log10_of : str or None
        The label is log10 of a positive quantity in this unit ("S/cm"), else None.
    censored : str or None
        Frame column of booleans marking labels that are upper bounds (learned with a
        one-sided loss); None: the target has no censoring.
    valid_range : (float, float)
        Closed range a label must lie in (``fit`` refuses others); predictions are
        clipped into it when ``clip`` is True (a band gap is never negative).
    clip : bool
    required_elements : tuple of str
        Elements every material in the model's domain holds ("Li" for Li-ion
        conductivity); a material without them is flagged out of domain.
    required_reason : str
        Why, in words, for the domain note.
    prediction_column, std_column : str
        Column names of ``predict_frame`` (the mean and its calibrated 1σ).
    data : str
        The data a default model of this target is trained on (for docs and results).
    """

    name: str
    label: str
    quantity: str
    unit: str
    log10_of: str | None = None
    censored: str | None = None
    valid_range: tuple[float, float] = (-math.inf, math.inf)
    clip: bool = False
    required_elements: tuple[str, ...] = ()
    required_reason: str = ""
    prediction_column: str = ""
    std_column: str = ""
    data: str = ""

    def __post_init__(self) -> None:
        if not self.prediction_column:
            object.__setattr__(self, "prediction_column", f"{self.label}_pred")
        if not self.std_column:
            object.__setattr__(self, "std_column", f"{self.label}_std")

    def describe(self) -> str:
        """``quantity (unit)``, e.g. for error messages and model descriptions."""
        return f"{self.quantity} ({self.unit})"


#: Declared targets by name. The conductivity target is ssenb's original model; the
#: band-gap and modulus targets are the composition-level tables of
#: ``ssenb/data`` mp-properties (matbench copies; Dunn et al. 2020).
TARGETS: dict[str, Target] = {}


def register_target(target: Target, *, replace: bool = False) -> Target:
    """Declare a target so ``PropertyModel(target=target.name)`` learns it.

    Raises
    ------
    InvalidInputError
        A different target of that name is declared already and ``replace`` is False.
    """
    if not isinstance(target, Target):
        raise InvalidInputError(f"register_target takes a Target, not {type(target).__name__}")
    old = TARGETS.get(target.name)
    if old is not None and old != target and not replace:
        raise InvalidInputError(
            f"a different target named {target.name!r} is declared already; pass replace=True "
            "to replace it, or choose another name"
        )
    TARGETS[target.name] = target
    return target


def get_target(name: object) -> Target:
    """The declared target ``name``, or an error listing the declared ones."""
    if isinstance(name, str) and name in TARGETS:
        return TARGETS[name]
    raise UnknownNameError(
        f"target={name!r} is not a declared target; use one of {', '.join(TARGETS)} or "
        "declare it with ssenb.models.register_target"
    )


CONDUCTIVITY = register_target(
    Target(
        name="log10_sigma",
        label=K.LOG10_SIGMA,
        quantity="room-temperature Li-ion conductivity, log10",
        unit="log10 S/cm",
        log10_of="S/cm",
        censored=K.CENSORED,
        required_elements=("Li",),
        required_reason="the model predicts Li-ion conductivity and learned from Li compounds only",
        prediction_column=K.PREDICTION,
        std_column=K.PREDICTION_STD,
        data="OBELiX (Therrien et al. 2026)",
    )
)
register_target(
    Target(
        name="band_gap_pbe",
        label="band_gap_pbe_eV",
        quantity="DFT (PBE) band gap",
        unit="eV",
        valid_range=(0.0, math.inf),
        clip=True,
        data="Materials Project via matbench_mp_gap (Dunn et al. 2020)",
    )
)
register_target(
    Target(
        name="band_gap_expt",
        label="band_gap_expt_eV",
        quantity="experimental band gap",
        unit="eV",
        valid_range=(0.0, math.inf),
        clip=True,
        data="Zhuo et al. 2018 via matbench_expt_gap (Dunn et al. 2020)",
    )
)
register_target(
    Target(
        name="log10_shear_modulus",
        label="log10_G_VRH_GPa",
        quantity="Voigt-Reuss-Hill shear modulus, log10",
        unit="log10 GPa",
        log10_of="GPa",
        data="Materials Project elastic tensors via matbench_log_gvrh (de Jong et al. 2015)",
    )
)
register_target(
    Target(
        name="log10_bulk_modulus",
        label="log10_K_VRH_GPa",
        quantity="Voigt-Reuss-Hill bulk modulus, log10",
        unit="log10 GPa",
        log10_of="GPa",
        data="Materials Project elastic tensors via matbench_log_kvrh (de Jong et al. 2015)",
    )
)
