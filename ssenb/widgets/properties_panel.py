"""Band gap, G, K and the Monroe–Newman verdict of one material, as an Explorer-ready panel."""

from __future__ import annotations

import html
import threading
import time
from typing import Any

import ipywidgets as w
import traitlets

from ._common import Status

#: The note of :func:`ssenb.models.gap_moduli.fit_note` says this when a model is missing.
_NOT_FITTED = "not fitted yet"


class PropertiesPanel(w.VBox):
    """Type a formula: see its band gap, G, K (each with its source) and G/G_Li.

    Thin over :func:`ssenb.models.material_properties` (one policy for the summary, the
    report, the table and this panel). The Explorer embeds it as its Properties tab and
    shows a :class:`~ssenb.summary.MaterialSummary`'s ``properties`` through :meth:`show`.
    Nothing here fits a model on the kernel's thread: when the data lack a value and the
    composition models are not fitted yet, a button fits them in a background thread
    (minutes on 2 cores, once; then cached on disk), showing the elapsed time, and the
    panel then shows the model values.

    Traits: ``properties`` (the shown :class:`~ssenb.models.MaterialProperties`, or None)
    and ``message`` (the status line as plain text).

    Parameters
    ----------
    material : str, optional
        Formula shown first.
    predict : bool
        Fill what the data lack with the composition models when they are fitted (or
        cached); never fits one on the kernel's thread.
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
        self.fit_button = w.Button(
            description="fit the property models (background, minutes once)",
            layout=w.Layout(width="auto", display="none"),
        )
        self.fit_progress = w.HTML(value="")
        #: the background fit, when one was started (``fit_job.join()`` to wait for it)
        self.fit_job: threading.Thread | None = None
        super().__init__(
            [self.formula, self.table, self.fit_button, self.fit_progress, self.status.widget]
        )
        self.formula.observe(lambda change: self.update(change["new"]), names="value")
        self.fit_button.on_click(lambda _: self.fit_models())
        if material:
            self.update(material)

    def update(self, material: Any) -> None:
        """Compute and show the properties of ``material``; errors go to the status line."""
        from ..models import material_properties

        self.properties = None
        self.table.value = ""
        with self.status.working(f"band gap and moduli of {material}"):
            self.show(
                material_properties(
                    material, models=self.models, predict=self.predict, fit_models=False
                )
            )
        self.message = self.status.message

    def show(self, properties: Any) -> None:
        """Show a :class:`~ssenb.models.MaterialProperties` (e.g. a summary's section)."""
        self.properties = properties
        notes = list(getattr(properties, "notes", []))
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        self.table.value = properties._repr_html_() + (f"<ul>{items}</ul>" if items else "")
        missing = any(_NOT_FITTED in n for n in notes)
        running = self.fit_job is not None and self.fit_job.is_alive()
        self.fit_button.layout.display = "" if missing and not running else "none"
        self.status.info(f"{properties.formula}: {properties.monroe_newman_verdict.split(':')[0]}")
        self.message = self.status.message

    def fit_models(self) -> None:
        """Fit the default band-gap/modulus models in a background thread, then show their values.

        The kernel stays free; the elapsed time shows beside the button; a failure goes to
        the status line. The models are cached on disk (see
        :func:`ssenb.models.default_property_model`), so this is needed once per machine.
        """
        if self.fit_job is not None and self.fit_job.is_alive():
            return
        formula = getattr(self.properties, "formula", None)
        self.fit_button.layout.display = "none"
        start = time.monotonic()
        done = threading.Event()

        def tick() -> None:
            while not done.wait(1.0):
                self.fit_progress.value = (
                    f"<small>fitting the band-gap and moduli models: "
                    f"{time.monotonic() - start:.0f} s (minutes on 2 cores, once)</small>"
                )

        def run() -> None:
            from ..models.gap_moduli import MODEL_TARGETS, default_property_model

            try:
                for name in MODEL_TARGETS:
                    default_property_model(name)
            except Exception as err:  # nothing may escape a background thread unseen
                done.set()
                self.fit_progress.value = ""
                self.status.error(
                    f"fitting the property models failed: {type(err).__name__}: {err}"
                )
                self.message = self.status.message
                return
            done.set()
            self.fit_progress.value = ""
            if formula is not None and getattr(self.properties, "formula", None) == formula:
                predict, self.predict = self.predict, True
                try:
                    self.update(formula)
                finally:
                    self.predict = predict

        threading.Thread(target=tick, name="ssenb-property-fit-clock", daemon=True).start()
        self.fit_job = threading.Thread(target=run, name="ssenb-property-fit", daemon=True)
        self.fit_job.start()


__all__ = ["PropertiesPanel"]
