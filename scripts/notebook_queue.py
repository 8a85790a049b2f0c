"""pytest plugin: two pytest processes share one list of notebooks, each run exactly once.

scripts/test.sh copies this file to ``conftest.py`` of the folder the notebooks are
executed in, and starts ``pytest --nbmake`` over every notebook twice, side by side: the
notebook job at once, the test job when its tests are done. Before a notebook runs, its
process claims it by creating a folder named after it in ``$SSENB_NB_QUEUE`` (``mkdir``
is atomic: exactly one process succeeds); the other process skips it without a report.
So the two jobs end together, whichever runs longer, and each pays pytest's start once.
The claim folder holds a file ``by`` naming the job (``$SSENB_NB_JOB``) that ran it.
Without ``$SSENB_NB_QUEUE`` every notebook runs, as with plain ``pytest --nbmake``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def claim(queue: Path, nodeid: str, job: str) -> bool:
    """True if this process takes the notebook ``nodeid`` (first come), False if taken."""
    folder = queue / nodeid.split("::")[0].replace("/", "_")
    try:
        folder.mkdir()
    except FileExistsError:
        return False
    (folder / "by").write_text(job)
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    """Run the notebook here if this process claims it; otherwise report nothing."""
    queue = os.environ.get("SSENB_NB_QUEUE")
    if not queue or claim(Path(queue), item.nodeid, os.environ.get("SSENB_NB_JOB", "")):
        return None  # pytest runs it as usual
    return True  # taken by the other job: handled, without a report
