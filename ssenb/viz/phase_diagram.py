"""Convex-hull phase diagrams of binary to quaternary chemical systems."""

from __future__ import annotations

from ..errors import InvalidInputError


def hull_diagram(system, *, source=None, show_unstable: float = 0.05, **kwargs):
    """Phase diagram of a chemical system as a plotly Figure (pymatgen's PDPlotter).

    Parameters
    ----------
    system : str, list of str, or pymatgen PhaseDiagram
        ``"Li-P-S"``, ``["Li", "P", "S"]`` or a ready PhaseDiagram (2 to 4 elements).
    source : None, "mp2019", "mp", list of entries, or EntrySource
        Hull data when ``system`` is not a PhaseDiagram (default: MP ~2019 snapshot).
    show_unstable : float
        Also draw phases up to this energy above the hull (eV/atom).
    **kwargs
        Forwarded to ``PDPlotter.get_plot``.

    Returns
    -------
    plotly.graph_objects.Figure
        Formation energy (eV/atom) for binaries; composition triangle/tetrahedron above.
    """
    from pymatgen.analysis.phase_diagram import PDPlotter, PhaseDiagram

    from ..thermo import get_source

    if isinstance(system, PhaseDiagram):
        pd_, label = system, "-".join(sorted(str(e) for e in system.elements))
    else:
        elements = system.split("-") if isinstance(system, str) else list(system)
        if not 2 <= len(set(elements)) <= 4:
            raise InvalidInputError(f"system={system!r}: a hull diagram needs 2 to 4 elements")
        src = get_source(source)
        pd_, label = src.phase_diagram(elements), "-".join(sorted(elements))
        kwargs.setdefault("label_unstable", False)
    fig = PDPlotter(pd_, backend="plotly", show_unstable=show_unstable).get_plot(**kwargs)
    # pymatgen leaves no top margin: the title would sit under the toolbar
    fig.update_layout(title=f"{label} convex hull", template="plotly_white", margin={"t": 70})
    return fig
