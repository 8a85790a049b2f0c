"""The band-gap/moduli panel: a new formula changes what is shown; bad input goes to the status."""

from ssenb.widgets import PropertiesPanel


def test_typing_a_formula_changes_the_panel():
    panel = PropertiesPanel("LiF", predict=False)
    assert panel.properties.band_gap_eV == 11.7 and "experiment" in panel.table.value
    panel.formula.value = "Li3PS4"
    assert panel.properties.formula == "Li3PS4"
    assert "G / G_Li" in panel.table.value
    assert panel.message.startswith("Li3PS4: uncertain")  # G/G_Li 2.6, 2σ range touches 2


def test_bad_formula_is_a_status_line_not_an_exception():
    panel = PropertiesPanel(predict=False)
    panel.formula.value = "Li3Xq"
    assert panel.properties is None and panel.table.value == ""
    assert "not an element symbol" in panel.message


def test_missing_models_are_fitted_in_the_background_on_request(monkeypatch, tiny_property_models):
    import ssenb.models.gap_moduli as gm

    fitted = []

    def default_property_model(name, cache=True, fit=True):  # a stand-in for minutes of fit
        if name in fitted:
            return tiny_property_models[name]
        if fit:
            fitted.append(name)
            return tiny_property_models[name]
        return None

    monkeypatch.setattr(gm, "default_property_model", default_property_model)
    panel = PropertiesPanel("Li7La3Zr2O12", predict=True)  # LLZO: no elastic tensor in the data
    assert panel.properties.moduli_source == "none" and fitted == []  # never a fit at once
    assert panel.fit_button.layout.display == ""  # offered, since the notes say how
    panel.fit_button.click()
    panel.fit_job.join(60)
    assert fitted == ["pbe_gap", "log10_g", "log10_k"]
    assert panel.properties.moduli_source == "model (composition)"
    assert panel.fit_button.layout.display == "none" and panel.fit_progress.value == ""
