"""Write figures to files: interactive HTML always, static images when a browser exists."""

from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import SsenbWarning


def save_figure(
    fig, stem, *, formats: tuple[str, ...] = ("html", "png"), scale: float = 2.0
) -> list[Path]:
    """Save ``fig`` as ``<stem>.html`` (self-contained, offline) and static images.

    Static formats (png, svg, pdf) use kaleido, which drives a Chrome/Chromium binary
    (on Debian: ``apt-get install chromium``; ``pip install kaleido``). Without them the
    HTML is still written and an :class:`~ssenb.errors.SsenbWarning` names the fix.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = stem.with_suffix(f".{fmt}")
        if fmt == "html":
            fig.write_html(path, include_plotlyjs=True)
        else:
            try:
                fig.write_image(path, scale=scale)
            except Exception as err:  # kaleido missing, or no Chrome for it to drive
                warnings.warn(
                    f"{path.name} not written ({type(err).__name__}: {str(err)[:160]}); static export needs "
                    "kaleido and Chrome/Chromium: pip install kaleido; apt-get install chromium",
                    SsenbWarning,
                    stacklevel=2,
                )
                continue
        written.append(path)
    return written
