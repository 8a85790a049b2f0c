"""Write figures to files, and make notebook figures survive export to HTML.

Nothing here runs on import: :func:`use_notebook_renderer` changes plotly's renderer only
when called.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidInputError, SsenbWarning

if TYPE_CHECKING:
    import plotly.graph_objects as go

#: Formats save_figure writes; html needs nothing extra, the others kaleido + Chromium.
FORMATS = ("html", "png", "svg", "pdf", "jpeg", "webp")
#: CSS px per inch (plotly lays out in CSS px); a PNG at ``dpi`` is drawn at dpi/96 scale.
CSS_PX_PER_INCH = 96.0
MAX_DPI = 1200


def save_figure(
    fig: go.Figure,
    stem: str | Path,
    *,
    formats: tuple[str, ...] = ("html", "png"),
    dpi: float | None = None,
    scale: float = 2.0,
    overwrite: bool = False,
) -> list[Path]:
    """Save a figure for sharing: self-contained HTML and static PNG/SVG/PDF images.

    Static formats (png, svg, pdf, jpeg, webp) use kaleido (``pip install 'ssenb[figures]'``).
    kaleido >= 1 draws with a system Chrome/Chromium that it drives headless; on Debian or
    Ubuntu ``apt-get install chromium`` (or run ``kaleido_get_chrome`` once). Without them
    the HTML is still written and an :class:`~ssenb.errors.SsenbWarning` names the fix.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure to write; it is not modified.
    stem : str or Path
        Path without suffix; ``<stem>.<format>`` is written for each format.
    formats : tuple of str
        Any of ``html``, ``png``, ``svg``, ``pdf``, ``jpeg``, ``webp``. For a journal:
        ``("svg", "pdf", "png")`` with ``dpi=300`` after
        :func:`ssenb.viz.publication.publication_style`.
    dpi : float, optional
        Raster resolution (dots per inch, 72 to 1200) for png/jpeg/webp: the figure's
        layout size in CSS px (96 per inch) is drawn at ``scale = dpi / 96``, and the PNG
        records the dpi. Overrides ``scale``. SVG and PDF are vector (physical size =
        layout px / 96 inch).
    scale : float
        Raster scale factor when ``dpi`` is not given (2 = sharp on screens).
    overwrite : bool
        Replace existing files (default False: an existing file raises, nothing is
        written).

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    InvalidInputError
        An unknown format, a dpi outside 72–1200, or a file that exists while
        ``overwrite`` is False.

    Examples
    --------
    >>> import tempfile, plotly.graph_objects as go
    >>> stem = Path(tempfile.mkdtemp()) / "bar"
    >>> [p.name for p in save_figure(go.Figure(go.Bar(y=[1])), stem, formats=("html",))]
    ['bar.html']
    """
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise InvalidInputError(f"formats={formats!r}: choose from {FORMATS}")
    if dpi is not None:
        if not (isinstance(dpi, int | float) and math.isfinite(dpi) and 72 <= dpi <= MAX_DPI):
            raise InvalidInputError(f"dpi={dpi!r} must be a number from 72 to {MAX_DPI}")
        scale = dpi / CSS_PX_PER_INCH
    stem = Path(stem)
    paths = [stem.with_name(f"{stem.name}.{fmt}") for fmt in formats]
    existing = [str(p) for p in paths if p.exists()]
    if existing and not overwrite:
        raise InvalidInputError(
            f"save_figure will not overwrite {existing}; pass overwrite=True or another stem"
        )
    stem.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt, path in zip(formats, paths):
        if fmt == "html":
            fig.write_html(path, include_plotlyjs=True)
        else:
            try:
                fig.write_image(path, format=fmt, scale=1.0 if fmt in ("svg", "pdf") else scale)
            except Exception as err:  # kaleido missing, or no Chrome for it to drive
                warnings.warn(
                    f"{path.name} not written ({type(err).__name__}: {str(err)[:160]}); static export "
                    "needs kaleido and Chrome/Chromium: pip install 'ssenb[figures]'; "
                    "apt-get install chromium",
                    SsenbWarning,
                    stacklevel=2,
                )
                continue
            if fmt == "png" and dpi is not None:
                _set_png_dpi(path, dpi)
        written.append(path)
    return written


def _set_png_dpi(path: Path, dpi: float) -> None:
    """Record the resolution in the PNG (pHYs chunk) so layout programs size it right."""
    try:
        from PIL import Image
    except ImportError:  # the pixels are right; only the metadata is missing
        return
    with Image.open(path) as img:
        img.load()
        img.save(path, dpi=(dpi, dpi))


def use_notebook_renderer(*, connected: bool = False) -> None:
    """Make plotly figures show live in JupyterLab *and* survive export to HTML.

    In a Jupyter kernel plotly's default renderer is ``plotly_mimetype``: JupyterLab draws
    it, but ``jupyter nbconvert --to html`` drops it (the exported page has no figure).
    This sets ``plotly_mimetype+notebook``: each output carries both the mimetype (used
    live by JupyterLab, VS Code) and an HTML div (used by nbconvert, Jupyter Notebook 7
    and GitHub's viewer). With ``connected=False`` plotly.js is embedded once, in the
    output of the cell that calls this, so the exported HTML works offline (about 4.6 MB
    once); ``connected=True`` loads plotly.js from a CDN instead (small files, needs
    internet to view).

    Call it once in the first cell of a notebook; ssenb never calls it on import.

    To undo, set ``plotly.io.renderers.default`` back to the value it had before.

    Parameters
    ----------
    connected : bool
        Load plotly.js from the CDN instead of embedding it.

    Returns
    -------
    None
        Nothing, so the cell shows no output.

    Examples
    --------
    >>> import plotly.io as pio
    >>> previous = pio.renderers.default
    >>> use_notebook_renderer()
    >>> pio.renderers.default
    'plotly_mimetype+notebook'
    >>> pio.renderers.default = previous
    """
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype+" + ("notebook_connected" if connected else "notebook")


__all__ = ["FORMATS", "save_figure", "use_notebook_renderer"]
