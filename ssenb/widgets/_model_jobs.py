"""Default conductivity models got in the background, so a pick never waits for a fit.

The first pick of an OBELiX structure (or a CIF) needs the ``composition+structure``
model; on a fresh machine :func:`ssenb.models.default_model` fits it (about 100 s on 2
cores, once; then it is cached on disk and loads in about a second). The Explorer must not
freeze for that: one background thread per preset, shared by every Explorer in the kernel,
gets the model; until it is there the Explorer shows the composition model's answer, says
so, and shows the elapsed time; when it is there, the structure model's answer replaces it.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Seconds a pick waits for a model before answering with the composition model: a cached
#: model loads within it, a first fit does not.
QUICK_S = 3.0


@dataclass
class ModelJob:
    """One background :func:`~ssenb.models.default_model` call (shared per preset)."""

    preset: str
    started: float = field(default_factory=time.monotonic)
    model: Any = None
    error: str | None = None
    thread: threading.Thread | None = None
    listeners: list[Callable[[ModelJob], None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def finished(self) -> bool:
        """Whether the model (or an error) is there."""
        return self.model is not None or self.error is not None

    @property
    def elapsed(self) -> float:
        """Seconds since the job started."""
        return time.monotonic() - self.started

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; whether the job finished."""
        if self.thread is not None:
            self.thread.join(timeout)
        return self.finished

    def subscribe(self, listener: Callable[[ModelJob], None]) -> None:
        """Call ``listener(job)`` when the job finishes (at once if it has)."""
        with self.lock:
            if not self.finished:
                self.listeners.append(listener)
                return
        listener(self)


_JOBS: dict[str, ModelJob] = {}
_JOBS_LOCK = threading.Lock()


def model_job(preset: str) -> ModelJob:
    """The (running or finished) job getting the default model of ``preset``; started if new.

    A job that failed is started again on the next call (the cause may have been fixed).
    """
    with _JOBS_LOCK:
        job = _JOBS.get(preset)
        if job is not None and job.error is None:
            return job
        job = ModelJob(preset=preset)
        _JOBS[preset] = job
    job.thread = threading.Thread(
        target=_run, args=(job,), name=f"ssenb-default-model-{preset}", daemon=True
    )
    job.thread.start()
    return job


def _run(job: ModelJob) -> None:
    from ..models import predictor

    model: Any = None
    error: str | None = None
    try:
        model = predictor.default_model(job.preset, progress=False)
    except Exception as err:  # nothing may escape a background thread unseen
        error = f"{type(err).__name__}: {err}"
    with job.lock:
        job.model, job.error = model, error
        listeners, job.listeners = list(job.listeners), []
    for listener in listeners:
        listener(job)


class StructureModelWait:
    """The Explorer's part that never lets a pick wait for a structure model's first fit.

    Mixed into :class:`~ssenb.widgets.Explorer`; uses its ``predict``, ``models``,
    ``material``, ``summary``, ``model_note`` and ``_conductivity``.
    """

    predict: bool
    models: dict
    material: Any
    summary: Any
    model_note: Any
    _model_wait: Any

    def _conductivity(self) -> None:  # pragma: no cover - the Explorer's
        raise NotImplementedError

    def _structure_model_job(self, material: Any) -> Any:
        """The background job getting the default model this material needs, or None.

        None when nothing is predicted, the composition model answers, or the caller
        gave the model. A model already fitted or cached comes within :data:`QUICK_S`.
        """
        if not self.predict:
            return None
        from ..models.predictor import preset_for

        preset = preset_for(material)
        if preset == "composition" or preset in self.models:
            return None
        job = model_job(preset)
        job.wait(QUICK_S)
        return job

    def _models_with(self, job: Any) -> dict:
        if job is None or job.model is None:
            return self.models
        return {**self.models, job.preset: job.model}

    def _composition_answer(self, summary: Any, material: Any) -> Any:
        """``summary`` (made with ``predict=False``) with what predictions give at once.

        The composition model's log10 σ (the structure model fits in the background) and
        the band gap/moduli with the property models already fitted or cached, as the
        summary gives them (``fit_models=False``: never a fit).
        """
        import dataclasses

        from ..data.materials import to_composition
        from ..models import material_properties, predict_conductivity
        from ..summary import material_of

        comp = to_composition(material_of(material)).reduced_composition
        errors = dict(summary.errors)
        prediction = properties = None
        try:
            prediction = predict_conductivity(comp, models=self.models)
        except Exception as err:  # the summary's rule: a section that fails says why
            errors["prediction"] = f"{type(err).__name__}: {err}"
        try:
            properties = material_properties(comp, predict=True, fit_models=False)
        except Exception as err:
            errors["properties"] = f"{type(err).__name__}: {err}"
        return dataclasses.replace(
            summary, prediction=prediction, properties=properties, errors=errors
        )

    def _await_model(self, job: Any, material: Any) -> None:
        """Show the fit's progress; when the model is there, its answer replaces the first."""
        import threading

        self._model_wait = job
        what = f"the {job.preset} model"

        def tick() -> None:
            while not job.wait(1.0) and self._model_wait is job:
                self.model_note.value = _model_note_html(
                    f"Fitting {what} in the background ({job.elapsed:.0f} s; about 100 s once "
                    "on 2 cores, then cached on disk). Shown meanwhile: the composition "
                    "model's answer for this material; the structure model's replaces it."
                )

        def ready(done: Any) -> None:
            if self._model_wait is not done:
                return  # another material is shown now: its own answer is there
            self._model_wait = None
            if done.error is not None:
                self.model_note.value = _error_html(
                    f"{what} could not be fitted ({done.error}); the composition model's "
                    "answer stays"
                )
                return
            self._structure_answer(done, material)

        self.model_note.value = _model_note_html(f"Fitting {what} in the background …")
        threading.Thread(target=tick, name="ssenb-model-fit-clock", daemon=True).start()
        job.subscribe(ready)

    def _structure_answer(self, job: Any, material: Any) -> None:
        """The structure model's prediction in place of the composition model's."""
        import dataclasses

        from ..models import predict_conductivity

        if self.material is not material or self.summary is None:
            return
        try:
            prediction = predict_conductivity(
                material, models={job.preset: job.model}, progress=False
            )
        except Exception as err:  # nothing may escape a background thread
            self.model_note.value = _error_html(f"structure model: {type(err).__name__}: {err}")
            return
        self.summary = dataclasses.replace(self.summary, prediction=prediction)
        self.model_note.value = ""
        self._conductivity()


def _model_note_html(text: str) -> str:
    return f"<small style='color:#1f4e79'>{html.escape(text)}</small>"


def _error_html(text: str) -> str:
    return f"<span style='color:#b00020'>{html.escape(text)}</span>"


__all__ = ["QUICK_S", "ModelJob", "StructureModelWait", "model_job"]
