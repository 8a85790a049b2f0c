"""PhaseDiagramViewer driven headlessly."""

import pytest

from ssenb.widgets import PhaseDiagramViewer


def test_new_system_redraws():
    v = PhaseDiagramViewer("Li-S")
    n = len(v.figure.data)
    v.system.value = "Li-P-S"
    assert len(v.figure.data) != n and v.system_elements == ["Li", "P", "S"]


@pytest.mark.parametrize(
    ("system", "message"),
    [
        ("Li-Xx", "not an element symbol"),
        ("li-p-s", "not an element symbol"),
        ("Li--S", "malformed"),
    ],
)
def test_bad_systems_say_what_is_wrong(system, message):
    v = PhaseDiagramViewer("Li-S")
    v.system.value = system
    assert "⚠" in v.status.text and message in v.status.message
    assert "not covered" not in v.status.message
    assert len(v.figure.data) == 0  # no stale diagram
