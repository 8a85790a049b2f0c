"""Write figures to files, and make notebook figures survive export to HTML.

Nothing here runs on import: :func:`use_notebook_renderer` changes plotly's renderer only
when called.
"""

from __future__ import annotations

import math
import os
import warnings
from functools import partial
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
        written). Every target is checked before anything is written, by the one rule of
        :func:`ssenb.batch.check_output_path` (a symlink, even a broken one, counts as
        existing; a folder is never replaced), and each file is written whole or not at
        all (:func:`ssenb.batch.write_new_file`: a temporary file, then a rename). A
        missing folder is created only after every check passed.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    InvalidInputError
        Not a plotly figure, an unknown format, a dpi outside 72–1200, an empty stem or
        one under a file, a target that is a folder, or a file that exists while
        ``overwrite`` is False.

    Examples
    --------
    >>> import tempfile, plotly.graph_objects as go
    >>> stem = Path(tempfile.mkdtemp()) / "bar"
    >>> [p.name for p in save_figure(go.Figure(go.Bar(y=[1])), stem, formats=("html",))]
    ['bar.html']
    """
    from plotly.basedatatypes import BaseFigure

    from ..batch import check_output_path, write_new_file

    if not isinstance(fig, BaseFigure):
        raise InvalidInputError(
            f"save_figure needs a plotly figure (e.g. from ssenb.viz), not {type(fig).__name__}"
        )
    if isinstance(formats, str) or not isinstance(formats, tuple | list):
        raise InvalidInputError(f"formats={formats!r}: a tuple of names from {FORMATS}")
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise InvalidInputError(f"formats={formats!r}: choose from {FORMATS}")
    if dpi is not None:
        if not (isinstance(dpi, int | float) and math.isfinite(dpi) and 72 <= dpi <= MAX_DPI):
            raise InvalidInputError(f"dpi={dpi!r} must be a number from 72 to {MAX_DPI}")
        scale = dpi / CSS_PX_PER_INCH
    folder, paths = _output_paths(stem, formats)
    if folder.is_dir():  # every target checked before anything is written (ssenb.batch's rule)
        for path in paths:
            check_output_path(path, overwrite=overwrite)
    folder.mkdir(parents=True, exist_ok=True)  # only after every check passed
    written: list[Path] = []
    for fmt, path in zip(formats, paths):
        if fmt == "html":
            write_new_file(
                path, partial(fig.write_html, include_plotlyjs=True), overwrite=overwrite
            )
        else:
            raster = 1.0 if fmt in ("svg", "pdf") else scale
            try:
                write_new_file(
                    path, partial(_write_image, fig, fmt, raster, dpi), overwrite=overwrite
                )
            except InvalidInputError:
                raise
            except Exception as err:  # kaleido missing, or no Chrome for it to drive
                warnings.warn(
                    f"{path.name} not written ({type(err).__name__}: {str(err)[:160]}); static export "
                    "needs kaleido and Chrome/Chromium: pip install 'ssenb[figures]'; "
                    "apt-get install chromium",
                    SsenbWarning,
                    stacklevel=2,
                )
                continue
        written.append(path)
    return written


def _output_paths(stem: object, formats: tuple[str, ...]) -> tuple[Path, list[Path]]:
    """The folder and ``<stem>.<format>`` files, refused at once where no file can go."""
    if not isinstance(stem, str | os.PathLike) or not os.fspath(stem).strip():
        raise InvalidInputError(f"stem={stem!r}: give a path without suffix, e.g. 'figures/window'")
    text = os.fspath(stem)
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.name in ("", ".", "..") or path.is_dir():
        raise InvalidInputError(
            f"stem={text!r} names a folder; add a file name, e.g. {str(path / 'figure')!r}"
        )
    ancestor = path.parent
    while not (ancestor.exists() or ancestor.is_symlink()) and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InvalidInputError(
            f"cannot write under {str(ancestor)!r}: it is a file (or a broken link), not a "
            "folder; choose another stem"
        )
    return path.parent, [path.with_name(f"{path.name}.{fmt}") for fmt in formats]


def _write_image(fig: go.Figure, fmt: str, scale: float, dpi: float | None, path: Path) -> None:
    _kaleido_server()
    with warnings.catch_warnings():  # plotly: "kopts ignored if using a server" (none given)
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        fig.write_image(path, format=fmt, scale=scale)
    if fmt == "png" and dpi is not None:
        _set_png_dpi(path, dpi)


_KALEIDO_SERVER: list[bool] = []  # started once per process


def _kaleido_server() -> None:
    """Keep one headless Chromium for every static image of this process (kaleido >= 1).

    Without it kaleido starts and stops a browser for each image (about 2.4 s each here;
    with it 0.8 s). Stopped at interpreter exit; where kaleido has no server (older
    versions) each image starts its own browser as before.
    """
    if _KALEIDO_SERVER:
        return
    _KALEIDO_SERVER.append(True)
    try:
        import kaleido

        start, stop = kaleido.start_sync_server, kaleido.stop_sync_server
    except (ImportError, AttributeError):
        return
    import atexit

    start(silence_warnings=True)
    atexit.register(partial(stop, silence_warnings=True))


def _set_png_dpi(path: Path, dpi: float) -> None:
    """Record the resolution in the PNG (pHYs chunk) so layout programs size it right."""
    try:
        from PIL import Image
    except ImportError:  # the pixels are right; only the metadata is missing
        return
    with Image.open(path) as img:
        img.load()
        img.save(path, format="PNG", dpi=(dpi, dpi))  # the path may be a temporary .part


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
