"""Decomposition text: every phase readable, none shown as "0.000"."""

import pytest

from ssenb.thermo import Decomposition
from ssenb.thermo.decomposition import fraction_text


def test_major_phases_keep_three_decimals():
    assert str(Decomposition({"P": 0.4, "Li2S": 0.6})) == "0.600 Li2S + 0.400 P"


def test_a_minor_phase_keeps_two_significant_digits_on_a_real_row(obelix):
    """OBELiX Li0.91Hf2.022P3O12 is oxygen-rich against charge balance: on MP 2019 it
    decomposes with 5.6e-5 of its atoms as O2 (shown "0.000 O2" before)."""
    from ssenb.thermo import phase_stability

    comp = next(
        c for c in obelix["reduced_composition"] if c.reduced_formula == "Li0.91Hf2.022P3O12"
    )
    text = str(phase_stability(comp).decomposition)
    assert "0.000 " not in text
    assert text.endswith(" + 0.000056 O2")


@pytest.mark.parametrize(
    ("fraction", "text"),
    [(0.6, "0.600"), (0.0123, "0.012"), (1.247e-4, "0.00012"), (5.58e-5, "0.000056")],
)
def test_fraction_text(fraction, text):
    assert fraction_text(fraction) == text


def test_round_off_phases_are_left_out_of_the_text_but_kept():
    d = Decomposition({"A": 1 - 1e-9, "B": 1e-9})
    assert str(d) == "1.000 A" and d["B"] == pytest.approx(1e-9)
