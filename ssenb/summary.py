"""One material, every analysis: the summary that ``ssenb report`` and the Explorer render.

:func:`summarize` runs phase stability, the stability window, interface reactions, a
conductivity prediction, and the band gap and elastic moduli (data where they exist, a
model otherwise, with the Monroe–Newman verdict), each section on its own: one that fails keeps its reason and
the others their results, so a page or a widget always shows what could be computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from .errors import SsenbError
from .results import Result, html_table

DEFAULT_ELECTRODES = ("Li", "LiCoO2")  # for Li; another ion's summary uses its own metal
TRANSPORT_RESOLUTION_A = 0.2  # Å: BVSE grid of the summary (0.1-0.4 s per OBELiX structure)
_R = TypeVar("_R")


@dataclass(frozen=True, eq=False)
class MaterialSummary(Result):
    """What ssenb can say about one material (each part is itself a Result).

    Attributes
    ----------
    formula : str
    label : str
        Where the material came from (OBELiX id, CIF name, or the formula).
    has_structure : bool
    stability, window, prediction, transport
        PhaseStability, StabilityWindow, ConductivityPrediction, MigrationLandscape (the
        BVSE pathway of the mobile ion, only for a structure); None where not computed.
    interfaces : dict[str, InterfaceReactions]
        By electrode name.
    properties
        MaterialProperties: band gap, G, K (each with its source and uncertainty), G/G_Li
        and the Monroe–Newman verdict; None where not computed.
    errors : dict[str, str]
        Section -> why it was not computed.
    ion : str
        The mobile ion of the window, the anode and the pathway.
    notes : list of str
        What a reader must know about the ion (chosen from the material, or absent from it).
    """

    formula: str
    label: str
    has_structure: bool
    stability: Any = None
    window: Any = None
    interfaces: dict[str, Any] = field(default_factory=dict)
    prediction: Any = None
    transport: Any = None
    errors: dict[str, str] = field(default_factory=dict)
    properties: Any = None
    ion: str = "Li"
    notes: list[str] = field(default_factory=list)

    def title(self) -> str:
        """Heading of the HTML view: the material's summary."""
        return f"{self.formula}: solid-electrolyte summary"

    def sections(self) -> list[tuple[str, Any]]:
        """(heading, result or error text) in reading order."""
        out: list[tuple[str, Any]] = [
            ("Phase stability", self.stability or self.errors.get("stability")),
            ("Stability window", self.window or self.errors.get("window")),
        ]
        for electrode in self.interfaces or {}:
            out.append((f"Interface with {electrode}", self.interfaces[electrode]))
        for key, err in self.errors.items():
            if key.startswith("interface:"):
                out.append((f"Interface with {key.split(':', 1)[1]}", err))
        out.append(("Predicted conductivity", self.prediction or self.errors.get("prediction")))
        out.append(
            ("Band gap and elastic moduli", self.properties or self.errors.get("properties"))
        )
        out.append((f"{self.ion} migration (BVSE)", self.transport or self.errors.get("transport")))
        return [(h, r) for h, r in out if r is not None]

    def summary(self) -> list[tuple[str, str]]:
        """The material, then the first two lines (value with unit) of each section's summary."""
        rows: list[tuple[str, str]] = [("material", self.label)]
        rows += [("mobile ion", note) for note in self.notes]
        for heading, result in self.sections():
            if isinstance(result, Result):
                prefix = f"{heading}: " if heading.startswith("Interface") else ""
                rows += [(prefix + key, value) for key, value in result.summary()[:2]]
        return rows

    def _repr_html_(self) -> str:
        parts = [html_table([("material", self.label)], caption=self.title())]
        for heading, result in self.sections():
            if isinstance(result, Result):
                parts.append(result._repr_html_())
            else:
                parts.append(html_table([("not computed", str(result))], caption=heading))
        return "<br>".join(parts)


def material_of(material: Any) -> Any:
    """What an input stands for: an OBELiX row's structure (else its composition), or itself.

    Shared by the summary, the report and the Explorer, so an OBELiX pick is read one way.
    """
    import pandas as pd

    from . import keys as K

    row = material.iloc[0] if isinstance(material, pd.DataFrame) else material
    if isinstance(row, pd.Series):
        structure = row.get(K.STRUCTURE)
        return structure if structure is not None else row.get(K.REDUCED_COMPOSITION)
    return row


def summarize(
    material: Any,
    *,
    label: str | None = None,
    ion: str | None = None,
    electrodes: tuple[str, ...] | None = None,
    source: Any = None,
    predict: bool = True,
    models: dict[str, Any] | None = None,
    progress: bool = True,
    transport: bool = True,
    property_models: dict[str, Any] | None = None,
    elastic: Any = None,
) -> MaterialSummary:
    """Every analysis of one material; a section that fails records why.

    Parameters
    ----------
    material : str, Composition, Structure, or a one-row OBELiX frame/row
    label : str, optional
        How to name it (default: its formula).
    ion : str, optional
        Mobile ion of the window (voltages vs its metal), the anode and the pathway.
        None: the material's own (:func:`ssenb.thermo.choose_ion`, said in ``notes``).
    electrodes : tuple of str, optional
        Interface partners (names from ssenb.thermo.ELECTRODES or formulas); default
        :data:`DEFAULT_ELECTRODES` for Li, the ion's metal for another ion.
    source
        Hull data (default: offline MP ~2019 snapshot).
    predict : bool
        Predict the Li-ion conductivity (fits the default model on first use); the
        prediction flags a material without Li as outside the model's domain.
    models : dict, optional
        Fitted models by preset, passed to :func:`ssenb.models.predict_conductivity`.
    progress : bool
        Show progress when a default model is fitted (first use only).
    transport : bool
        For a structure, the mobile ion's BVSE migration landscape and percolation
        barriers (eV) on a 0.2 Å grid (ssenb.transport).
    property_models : dict, optional
        Fitted band-gap/modulus models by name (``"pbe_gap"``, ``"log10_g"``,
        ``"log10_k"``); with ``predict`` they fill what the data lack (the defaults are
        fitted on first use).
    elastic : ElasticModuli, optional
        Moduli from :func:`ssenb.mlip.elastic_moduli`, used before data and models.

    Raises
    ------
    InvalidInputError
        Only when ``material`` itself or ``ion`` cannot be read.
    """
    from .data.materials import display_formula, to_composition
    from .thermo import choose_ion, interface_reactions, phase_stability, stability_window

    thermo_input = material_of(material)
    comp = to_composition(thermo_input)
    formula = display_formula(comp)
    ion, note = choose_ion(comp, ion)
    if electrodes is None:
        electrodes = DEFAULT_ELECTRODES if ion == "Li" else (ion,)
    errors: dict[str, str] = {}

    def attempt(key: str, fn: Callable[[], _R]) -> _R | None:
        try:
            return fn()
        except SsenbError as err:
            errors[key] = str(err)
        except (ArithmeticError, MemoryError, RecursionError, ValueError) as err:
            errors[key] = f"{type(err).__name__}: {err}"
        return None

    stability = attempt("stability", lambda: phase_stability(comp, source=source))
    window = attempt("window", lambda: stability_window(comp, ion=ion, source=source))
    interfaces = {}
    for electrode in electrodes:
        r = attempt(
            f"interface:{electrode}",
            partial(interface_reactions, comp, electrode, source=source),
        )
        if r is not None:
            interfaces[electrode] = r
    prediction = None
    if predict:  # a Li-ion model: a material without Li is flagged outside its domain
        from .models import predict_conductivity

        prediction = attempt(
            "prediction", lambda: predict_conductivity(material, models=models, progress=progress)
        )
    from .models import material_properties

    properties = attempt(
        "properties",
        lambda: material_properties(
            comp, models=property_models, elastic=elastic, predict=predict, fit_models=False
        ),  # a first result never waits minutes for a property model's first fit
    )
    landscape = None
    if transport and hasattr(thermo_input, "lattice"):
        from .transport import migration_landscape

        landscape = attempt(
            "transport",
            lambda: migration_landscape(thermo_input, ion, resolution=TRANSPORT_RESOLUTION_A),
        )
    return MaterialSummary(
        formula=formula,
        label=label or formula,
        has_structure=hasattr(thermo_input, "lattice"),
        stability=stability,
        window=window,
        interfaces=interfaces,
        prediction=prediction,
        transport=landscape,
        errors=errors,
        properties=properties,
        ion=ion,
        notes=[note] if note else [],
    )


__all__ = ["DEFAULT_ELECTRODES", "MaterialSummary", "material_of", "summarize"]
