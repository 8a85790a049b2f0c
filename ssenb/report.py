"""A self-contained HTML report of one electrolyte's thermodynamics (``ssenb report``).

The page embeds plotly.js once, so it opens offline from disk.
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from . import __version__

if TYPE_CHECKING:
    import os

    import pandas as pd
    import plotly.graph_objects as go
    from pymatgen.core import Structure

    from .models import Material
    from .summary import MaterialSummary
    from .thermo import StabilityWindow
    from .thermo.sources import EntrySource


def resolve_material(text: str) -> tuple[Material | pd.DataFrame, str]:
    """A formula, a CIF file path, or an OBELiX id (``obelix:jqc``) -> what to analyse.

    Returns (material, label): a formula string, a Structure, or a one-row OBELiX frame.
    """
    from pathlib import Path

    from .errors import InvalidInputError

    if text.lower().startswith("obelix:"):
        from .data import load_obelix

        key = text.split(":", 1)[1]
        frame = load_obelix("train")
        rows = frame[frame["id"] == key]
        if rows.empty:
            raise InvalidInputError(
                f"{text!r}: no OBELiX training entry has id {key!r}; ids look like 'obelix:jqc'"
            )
        return rows.iloc[[0]], f"OBELiX {key}"
    path = Path(text)
    if text.lower().endswith(".cif"):
        from .data import parse_cif

        if not path.is_file():
            raise InvalidInputError(f"{text!r} looks like a CIF path, but there is no such file")
        structure, reason = parse_cif(path.read_text(encoding="utf-8", errors="replace"))
        if structure is None:
            raise InvalidInputError(f"{text} could not be read as a CIF: {reason}")
        return structure, path.name
    return text, text


def build_report(
    material: Material | pd.DataFrame,
    *,
    ion: str | None = None,
    source: Any = None,
    predict: bool = True,
    label: str | None = None,
) -> str:
    """HTML text of the report: the material summary with its figures, offline.

    Parameters
    ----------
    material : str, Composition, Structure, or a one-row OBELiX frame
    ion : str, optional
        Mobile ion for the window (voltages vs its metal), the anode and the pathway;
        None: the material's own, said on the page (:func:`ssenb.thermo.choose_ion`).
    source : None, "mp2019", "mp", list of entries, or EntrySource
        Hull data (default: offline MP ~2019 snapshot, legacy corrections).
    predict : bool
        Include the conductivity prediction (fits the default model once, with progress).
    """
    from .data.polymer_smiles import looks_like_polymer
    from .results import formula_html
    from .summary import summarize
    from .thermo import get_source
    from .viz import hull_diagram, reaction_energy_curve, window_profile

    if isinstance(material, str) and looks_like_polymer(material):
        return build_polymer_report(material, predict=predict)
    src = get_source(source)
    s = summarize(material, label=label, ion=ion, source=src, predict=predict)
    parts = [_head(s.formula), _overview(s)]
    figures = []
    structure = _structure_of(material)
    if structure is not None:
        from .viz import structure_3d

        figures.append(("Structure", structure_3d(structure), ""))
    if s.window is not None:
        figures.append(
            (
                "Ion profile and stability window",
                window_profile(s.window),
                s.window._repr_html_() + _window_text(s.window),
            )
        )
    for electrode, r in s.interfaces.items():
        figures.append((f"Interface with {electrode}", reaction_energy_curve(r), r._repr_html_()))
    figures.extend(_interphase_section(s.formula, s.ion, src))
    n_el = len(s.stability.chemsys.split("-")) if s.stability else 0
    if 2 <= n_el <= 4:
        figures.append(("Phase diagram", _hull(hull_diagram, s, src), s.stability._repr_html_()))
    elif s.stability is not None:
        parts.append(
            f"<h2>Phase diagram</h2><p>Not drawn: {n_el} elements (2 to 4 can be drawn).</p>"
        )
    for i, (title, fig, text) in enumerate(figures):
        fig_html = fig.to_html(full_html=False, include_plotlyjs=(i == 0), default_height="480px")
        parts.append(f"<h2>{formula_html(title)}</h2>{text}{fig_html}")
    if s.transport is not None:
        from .viz import landscape_pathway_3d

        fig = landscape_pathway_3d(s.transport)
        parts.append(
            f"<h2>{s.ion} migration pathway (BVSE)</h2>"
            + s.transport._repr_html_()
            + fig.to_html(full_html=False, include_plotlyjs=not figures, default_height="520px")
        )
    if s.prediction is not None:
        parts.append("<h2>Predicted conductivity</h2>" + s.prediction._repr_html_())
    if s.properties is not None:
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in s.properties.notes)
        parts.append(
            "<h2>Band gap and elastic moduli</h2>"
            + s.properties._repr_html_()
            + (f"<ul>{notes}</ul>" if notes else "")
            + "<p>Monroe–Newman (J. Electrochem. Soc. 152, A396 (2005)): a flat Li interface "
            "resists dendrites when G ≳ 2 G_Li, G_Li ≈ 4.2 GPa. The criterion ignores grain "
            "boundaries, pores and electronic leakage, through which Li grows even in stiff "
            "electrolytes; read it as necessary, not sufficient.</p>"
        )
    for key, err in s.errors.items():
        parts.append(
            f"<h2>{html.escape(key)}</h2><p class=err>Not computed: {html.escape(err)}</p>"
        )
    parts.append(_footer(src))
    return "\n".join(parts) + "\n</body></html>\n"


def build_polymer_report(
    polymer: str,
    *,
    salt: str = "LiTFSI",
    molality: float = 1.0,
    predict: bool = True,
    model: Any = None,
) -> str:
    """HTML text of a polymer electrolyte's page: its repeat unit, σ(T) and nearest data.

    Why: ``ssenb report '*CCO*'`` must answer for a polymer what the inorganic page answers
    for a crystal (does it conduct, how sure is that), from the same
    :func:`ssenb.models.polymer_outlook.polymer_outlook` as the PolymerExplorer.

    Parameters
    ----------
    polymer : str
        Repeat-unit SMILES with two chain ends (``*CCO*`` is PEO).
    salt : str
        Li salt name of Bradford et al.'s data (default LiTFSI).
    molality : float
        mol salt per kg polymer.
    predict : bool
        False: the repeat unit only (no model is fitted).
    model : PolymerConductivityModel, optional
        Default: the session's default model (fitted once, ~10 s).
    """
    from . import keys as K
    from .data.polymer_electrolytes import ZERO_CELSIUS_K
    from .data.polymer_smiles import canonical_polymer
    from .viz.polymer import repeat_unit_svg

    canonical = canonical_polymer(polymer)  # a SMILES RDKit refuses stops here, by name
    parts = [
        _page_head(polymer, f"{html.escape(polymer)}: polymer electrolyte"),
        f"<p>Repeat unit <code>{html.escape(canonical)}</code> with {html.escape(salt)} "
        f"at {molality:g} mol/kg.</p>",
        repeat_unit_svg(polymer),
    ]
    if predict:
        from .models.polymer_outlook import polymer_outlook
        from .viz import conductivity_arrhenius

        out = polymer_outlook(polymer, salt=salt, molality=molality, model=model)
        fig = conductivity_arrhenius(out.curve, measured=out.measured)
        row = out.prediction.iloc[0]
        parts += [
            "<h2>Predicted conductivity σ(T)</h2>",
            f"<p>At {out.temperature_K - ZERO_CELSIUS_K:.0f} °C: log<sub>10</sub> σ = "
            f"{row[K.PREDICTION]:.2f} ± {row[K.PREDICTION_STD]:.2f} (S/cm); "
            f"VTF B = {row[K.VTF_B]:.0f} K, T<sub>0</sub> = {row[K.VTF_T0]:.0f} K.</p>",
            out.notes_html(),
            fig.to_html(full_html=False, include_plotlyjs=True, default_height="480px"),
            out.nearest_html(),
        ]
    parts.append(
        "<hr><small>ssenb "
        + html.escape(__version__)
        + "; data: Bradford et al., ACS Cent. Sci. 9, 206 (2023), polymer electrolytes "
        "(MIT); model: PolymerConductivityModel (VTF law per electrolyte, "
        "docs/polymer_model.md).</small>"
    )
    return "\n".join(parts) + "\n</body></html>\n"


def _interphase_section(formula: str, ion: str, src: Any) -> list[tuple[str, Any, str]]:
    """What forms on the ion-metal anode and whether it passivates (empty when not computed)."""
    from .errors import SsenbError
    from .thermo import interphase
    from .viz import interphase_table

    try:
        r = interphase(formula, ion, source=src)
    except SsenbError:
        return []
    return [(f"Interphase with {ion} metal", interphase_table(r), r._repr_html_())]


def _structure_of(material: Material | pd.DataFrame) -> Structure | None:
    from .summary import material_of

    m = material_of(material)
    return cast("Structure", m) if hasattr(m, "lattice") else None


def _hull(
    hull_diagram: Callable[..., go.Figure], s: MaterialSummary, src: EntrySource
) -> go.Figure:
    return hull_diagram(s.stability.chemsys.split("-"), source=src, highlight=s.formula)


def _overview(s: MaterialSummary) -> str:
    from .results import html_table

    return html_table(s.summary(), caption="Overview")


def write_report(
    material: Material | pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    **kwargs: Any,
) -> Path:
    """Write :func:`build_report` to an HTML file, never replacing a file by surprise.

    Why: the report is the page a user shares; writing it must not clobber their files
    or leave a half-written page when the analysis fails.

    Parameters
    ----------
    material : str, Composition or Structure
        The electrolyte (see :func:`build_report`).
    path : str or path-like
        HTML file to create. Its folder must exist.
    overwrite : bool
        Replace an existing file (default: refuse).
    **kwargs
        Passed to :func:`build_report` (``ion``, ``source``, ``predict``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InvalidInputError
        The path is a folder, in a missing folder, or an existing file without
        ``overwrite=True``; or the material is not valid. Nothing is written then.

    Examples
    --------
    >>> import tempfile
    >>> out = write_report("LiF", Path(tempfile.mkdtemp()) / "LiF.html", predict=False)
    >>> out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    from .batch import check_output_path, write_new_file

    check_output_path(path, overwrite=overwrite)  # fail before minutes of work
    text = build_report(material, **kwargs)
    return write_new_file(
        path, lambda tmp: tmp.write_text(text, encoding="utf-8"), overwrite=overwrite
    )


def _head(formula: str) -> str:
    from .results import formula_html

    return _page_head(formula, f"{formula_html(formula)}: solid-electrolyte thermodynamics")


def _page_head(title: str, heading_html: str) -> str:
    """The page's head, style and first heading (one for every kind of report)."""
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>ssenb report: {html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#222}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 10px;text-align:left}}
.err{{color:#a00}} small{{color:#666}}</style></head><body>
<h1>{heading_html}</h1>"""


def _window_text(win: StabilityWindow) -> str:
    return (
        "<p><small>Grand-potential method (Zhu, He &amp; Mo, ACS AMI 2015; Richards et al., "
        "Chem. Mater. 2016); the shaded band is the window.</small></p>"
    )


def _footer(src: EntrySource) -> str:
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"<hr><small>ssenb {__version__}; data: {html.escape(src.name)}; energy corrections: "
        f"{html.escape(src.correction_scheme)}; generated {stamp}.</small>"
    )
