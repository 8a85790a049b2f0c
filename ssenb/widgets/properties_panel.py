"""Band gap, G, K and the Monroe–Newman verdict of one material, as an Explorer-ready panel."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import traitlets

from ._common import Status


class PropertiesPanel(w.VBox):
    """Type a formula: see its band gap, G, K (each with its source) and G/G_Li.

    Thin over :func:`ssenb.models.material_properties` (one policy for the summary, the
    report, the table and this panel). The Explorer can embed it as a tab, or show a
    :class:`~ssenb.summary.MaterialSummary`'s ``properties`` through :meth:`show`.

    Traits: ``properties`` (the shown :class:`~ssenb.models.MaterialProperties`, or None)
    and ``message`` (the status line as plain text).

    Parameters
    ----------
    material : str, optional
        Formula shown first.
    predict : bool
        Fill what the data lack with the composition models (fitted on first use).
    models : dict, optional
        Fitted band-gap/modulus models by name (see :func:`ssenb.models.material_properties`).

    Examples
    --------
    >>> panel = PropertiesPanel("LiF", predict=False)
    >>> panel.properties.band_gap_source
    'experiment'
    """

    properties = traitlets.Any(None, allow_none=True)
    message = traitlets.Unicode("")

    def __init__(
        self, material: str = "", *, predict: bool = False, models: dict[str, Any] | None = None
    ) -> None:
        self.predict, self.models = predict, models
        self.formula = w.Text(value=material, description="formula", continuous_update=False)
        self.status = Status()
        self.table = w.HTML(value="")
        super().__init__([self.formula, self.table, self.status.widget])
        self.formula.observe(lambda change: self.update(change["new"]), names="value")
        if material:
            self.update(material)

    def update(self, material: Any) -> None:
        """Compute and show the properties of ``material``; errors go to the status line."""
        from ..models import material_properties

        self.properties = None
        self.table.value = ""
        with self.status.working(f"band gap and moduli of {material}"):
            self.show(material_properties(material, models=self.models, predict=self.predict))
        self.message = self.status.message

    def show(self, properties: Any) -> None:
        """Show a :class:`~ssenb.models.MaterialProperties` (e.g. a summary's section)."""
        self.properties = properties
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in getattr(properties, "notes", []))
        self.table.value = properties._repr_html_() + (f"<ul>{notes}</ul>" if notes else "")
        self.status.info(f"{properties.formula}: {properties.monroe_newman_verdict.split(':')[0]}")
        self.message = self.status.message


__all__ = ["PropertiesPanel"]
