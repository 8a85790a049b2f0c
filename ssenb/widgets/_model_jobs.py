"""Default conductivity models got in the background, so a pick never waits for a fit.

The first pick of an OBELiX structure (or a CIF) needs the ``composition+structure``
model; on a fresh machine :func:`ssenb.models.default_model` fits it (about 100 s on 2
cores, once; then it is cached on disk and loads in about a second). The Explorer must not
freeze for that: one background thread per preset, shared by every Explorer in the kernel,
gets the model; until it is there the Explorer shows the composition model's answer, says
so, and shows the elapsed time; when it is there, the structure model's answer replaces it.
"""

from __future__ import annotations

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


__all__ = ["QUICK_S", "ModelJob", "model_job"]
