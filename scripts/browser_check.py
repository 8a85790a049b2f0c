"""Real-browser check of the Explorer: JupyterLab serves a small notebook to headless
Chromium, which drives the Explorer through four states and takes one picture per state.

The states, each reached through the page as a user would:

1. ``formula``: a formula typed into the formula box (Enter);
2. ``pick``: an OBELiX entry with a CIF chosen in the dropdown;
3. ``upload``: a CIF from the OBELiX archive sent through the CIF button's file chooser;
4. ``bad``: a formula ssenb must refuse, typed into the formula box.

In each state every tab (Structure, Conductivity, Stability, Window, Interface, Transport,
Interphase, Properties) is clicked
and the Explorer is photographed; ``<n>_<state>/<tab>.png`` holds each tab and
``<n>_<state>.png`` stacks them into one picture per state. ``states.txt`` records the
status line, the seconds each state took and the text of each tab. The served notebook builds
the Explorer with small fitted models (2 x 60 trees per preset) so a state takes seconds.

Needs Debian's chromium (apt-get install chromium) and the playwright Python package
(pip install -e ".[browser]"; playwright's own browser download is not used). Run from the
repo root:

    SSENB_DATA_DIR=/work/shared/data SSENB_OFFLINE=1 \\
        python scripts/browser_check.py [-o out/pictures] [--force]

The output folder is never overwritten without ``--force``. ``--tutorial 06_explorer.ipynb``
instead runs that tutorial and photographs it (the older check). Exit code 0 when every
state reached its end (done; for bad input, a refusal in ssenb's own words rather than
"could not finish") and the pictures exist.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ssenb.widgets.explorer import TABS as EXPLORER_TABS

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TABS = EXPLORER_TABS  # the Explorer's own tab list: a new tab is photographed too
STATES = ("formula", "pick", "upload", "bad")
NOTEBOOK = "explorer_states.ipynb"
PRESETS = ("composition", "composition+lattice", "composition+structure")

SETUP_CELL = """\
import time
from ssenb.viz import use_notebook_renderer

use_notebook_renderer()
t0 = time.perf_counter()
from ssenb.data import load_obelix
from ssenb.models import ConductivityModel

df = load_obelix("train")
models = {
    p: ConductivityModel(preset=p, n_models=2, n_estimators=60, random_state=0).fit(df)
    for p in PRESETS
}
print(f"small models fitted in {time.perf_counter() - t0:.0f} s")
""".replace("PRESETS", repr(PRESETS))

EXPLORER_CELL = """\
from ssenb.widgets import Explorer

explorer = Explorer(models=models, obelix=df)
explorer.add_class("ssenb-explorer")  # handles for the browser check, nothing else
explorer.status.widget.add_class("ssenb-status")
explorer
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"JupyterLab did not answer at {url}")


def write_notebook(folder: Path) -> None:
    def cell(source: str) -> dict:
        return {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": source,
        }

    nb = {
        "cells": [cell(SETUP_CELL), cell(EXPLORER_CELL)],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (folder / NOTEBOOK).write_text(json.dumps(nb, indent=1))


def extract_cif(archive: Path, cif_id: str, folder: Path) -> Path:
    """Copy one CIF out of the OBELiX archive (read-only) into ``folder``."""
    with tarfile.open(archive) as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith(f"/{cif_id}.cif")), None)
        if member is None or not member.isfile():
            raise SystemExit(f"{cif_id}.cif is not in {archive}; pick another --cif-id")
        data = tar.extractfile(member).read()
    path = folder / f"{cif_id}.cif"
    path.write_bytes(data)
    return path


def start_lab(root_dir: Path, port: int, log) -> subprocess.Popen:
    env = os.environ.copy()
    env.setdefault("SSENB_OFFLINE", "1")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--LabApp.expose_app_in_browser=True",
            "--allow-root",
            f"--ServerApp.root_dir={root_dir}",
        ],
        stdout=log,
        stderr=log,
        env=env,
    )


@contextlib.contextmanager
def lab_page(root_dir: Path, notebook: str, lab_log: Path, chromium: str) -> Iterator[Any]:
    """A JupyterLab serving ``root_dir`` and a headless Chromium page; yields (page, url).

    Both are stopped on the way out, whatever happened (the lab killed if it hangs).
    """
    from playwright.sync_api import sync_playwright

    port = free_port()
    with open(lab_log, "w") as log:
        lab = start_lab(root_dir, port, log)
        try:
            wait_for(f"http://127.0.0.1:{port}/api", 60)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    page = browser.new_page(viewport={"width": 1400, "height": 1100})
                    yield page, f"http://127.0.0.1:{port}/lab/tree/{notebook}"
                finally:
                    browser.close()
        finally:
            lab.terminate()
            try:
                lab.wait(timeout=30)
            except subprocess.TimeoutExpired:
                lab.kill()


def dismiss_prompts(page) -> None:
    """Close JupyterLab's own dialogs ("Build Recommended", the news prompt).

    Only buttons inside a dialog: a widget's own Cancel (the DopingExplorer's, disabled
    until a computation runs) is not a prompt, and clicking it waited 30 s and failed.
    """
    for label in ("Cancel", "No"):
        button = page.locator(".jp-Dialog").get_by_role("button", name=label, exact=True)
        if button.count():
            button.first.click()


def open_and_run(page, url: str, wait_selector: str) -> None:
    page.goto(url)
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.wait_for_function("window.jupyterapp !== undefined", timeout=60_000)
    time.sleep(8)  # let the kernel start; run-all queues until it is ready
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_selector(wait_selector, timeout=400_000)
    time.sleep(2)
    dismiss_prompts(page)


STATUS_JS = "(document.querySelector('.ssenb-status') || {innerText: ''}).innerText.trim()"


def wait_settled(page, before: str, seconds: float) -> str:
    """Wait until the status line changed from ``before`` and no longer says it is working."""
    page.wait_for_function(
        f"(() => {{ const t = {STATUS_JS}; return t !== {json.dumps(before)} && !t.endsWith('…'); }})()",
        timeout=seconds * 1000,
    )
    time.sleep(1.5)  # let plotly draw the figures the kernel just sent
    return page.evaluate(STATUS_JS)


def pick_index(page, formula: str) -> int:
    """The dropdown position of the first OBELiX entry of ``formula`` that has a CIF."""
    index = page.evaluate(
        """(formula) => {
            const select = document.querySelector('.ssenb-explorer select');
            const text = o => o.text.replace(/\\u00a0/g, ' ');  // ipywidgets writes nbsp
            return [...select.options].findIndex(
                o => text(o).startsWith(formula + ' (') && text(o).includes(', CIF)'));
        }""",
        formula,
    )
    if index < 0:
        raise SystemExit(f"no OBELiX entry of {formula} with a CIF in the dropdown")
    return index


def shoot_tabs(page, folder: Path) -> tuple[list[Path], dict[str, str]]:
    """Click every tab, photograph the Explorer, and keep each tab's visible text."""
    folder.mkdir(parents=True, exist_ok=True)
    shots, texts = [], {}
    explorer = page.locator(".ssenb-explorer").first
    for tab in TABS:
        explorer.locator(".lm-TabBar-tab", has_text=tab).first.click()
        time.sleep(1.5)
        if tab == "Interphase":  # its scan runs in a background thread when the tab opens
            page.wait_for_function(
                "!document.querySelector('.ssenb-explorer').innerText.includes("
                "'computing what forms')",
                timeout=120_000,
            )
            time.sleep(1.5)
        # a tall Explorer (a traceback, a long table) must fit the window, or the picture
        # catches JupyterLab's menus instead of the Explorer's top
        height = page.evaluate(
            "document.querySelector('.ssenb-explorer').getBoundingClientRect().height"
        )
        page.set_viewport_size({"width": 1400, "height": max(1100, int(height) + 400)})
        explorer.scroll_into_view_if_needed()
        path = folder / f"{tab.lower()}.png"
        explorer.screenshot(path=str(path))
        shots.append(path)
        texts[tab] = page.evaluate(
            """() => {
                const panel = [...document.querySelectorAll(
                    '.ssenb-explorer .widget-tab-contents > .lm-Widget, '
                    + '.ssenb-explorer .lm-TabPanel-stackedPanel > .lm-Widget')]
                    .find(e => !e.classList.contains('lm-mod-hidden') && e.offsetParent !== null);
                return panel ? panel.innerText.replace(/\\s+/g, ' ').trim().slice(0, 600) : '';
            }"""
        )
    return shots, texts


def stack(shots: list[Path], out: Path) -> None:
    """One picture per state: the tab pictures one under the other, with a gap."""
    from PIL import Image

    images = [Image.open(p).convert("RGB") for p in shots]
    width = max(i.width for i in images)
    gap = 12
    sheet = Image.new(
        "RGB", (width, sum(i.height for i in images) + gap * (len(images) - 1)), "#888888"
    )
    y = 0
    for image in images:
        sheet.paste(image, (0, y))
        y += image.height + gap
    sheet.save(out)


def run_states(page, args, cif: Path, out_dir: Path, log: list[str]) -> bool:
    explorer = page.locator(".ssenb-explorer").first
    formula_box = explorer.locator("input[placeholder^='or type a formula']").first
    ok = True

    def type_formula(text: str) -> None:
        formula_box.click()
        formula_box.fill(text)
        formula_box.press("Enter")

    def choose_pick() -> None:
        index = pick_index(page, args.pick)
        explorer.locator("select").first.select_option(index=index)

    def upload() -> None:
        with page.expect_file_chooser() as chooser:
            explorer.locator(".widget-upload").first.click()
        chooser.value.set_files(str(cif))

    actions = {
        "formula": (f"typed {args.formula!r} + Enter", lambda: type_formula(args.formula)),
        "pick": (f"OBELiX dropdown: first {args.pick} with a CIF", choose_pick),
        "upload": (f"CIF button: {cif.name}", upload),
        "bad": (f"typed {args.bad!r} + Enter", lambda: type_formula(args.bad)),
    }
    for n, state in enumerate(STATES, 1):
        what, act = actions[state]
        before = page.evaluate(STATUS_JS)
        t0 = time.perf_counter()
        act()
        try:
            status = wait_settled(page, before, args.timeout)
        except Exception:
            status = "TIMED OUT: " + page.evaluate(STATUS_JS)
            ok = False
        seconds = time.perf_counter() - t0
        shots, texts = shoot_tabs(page, out_dir / f"{n}_{state}")
        stack(shots, out_dir / f"{n}_{state}.png")
        if state == "bad":  # refused with ssenb's own message, not an internal failure
            expected = "⚠" in status and "could not finish" not in status
        else:
            expected = "done" in status and "⚠" not in status
        ok &= expected
        inputs = page.evaluate(
            """() => {
                const e = document.querySelector('.ssenb-explorer');
                const sel = e.querySelector('select');
                return {pick: sel.selectedIndex < 0 ? '(nothing selected)' : sel.options[sel.selectedIndex].text,
                        formula: e.querySelector("input[placeholder^='or type a formula']").value,
                        upload: e.querySelector('.widget-upload').innerText.trim()};
            }"""
        )
        log += [
            f"## {n}_{state}: {what}",
            f"seconds to settle: {seconds:.1f}",
            f"status: {status}",
            f"inputs shown: {json.dumps(inputs, ensure_ascii=False)}",
            *(f"[{tab}] {text}" for tab, text in texts.items()),
            "",
        ]
        print(f"{n}_{state}: {seconds:.1f} s; {status[:120]}", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output-dir", default="out/pictures")
    parser.add_argument("--force", action="store_true", help="overwrite existing pictures")
    parser.add_argument("--formula", default="Li6PS5Cl", help="state 1: the typed formula")
    parser.add_argument("--pick", default="Li7La3Zr2O12", help="state 2: OBELiX formula")
    parser.add_argument("--cif-id", default="j8q", help="state 3: OBELiX id of the CIF")
    parser.add_argument("--bad", default="Li1e400S", help="state 4: a formula to refuse")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per state")
    parser.add_argument("--tutorial", help="instead photograph this tutorial notebook, run")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    repo = Path(__file__).resolve().parents[1]
    out_dir = Path(args.output_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not args.force:
        raise SystemExit(f"{out_dir} is not empty; pass --force to overwrite its pictures")
    out_dir.mkdir(parents=True, exist_ok=True)
    data_dir = Path(os.environ.get("SSENB_DATA_DIR", repo.parent / "shared" / "data"))
    archive = data_dir / "obelix" / "train_cifs.tar.gz"

    with tempfile.TemporaryDirectory(prefix="ssenb-browser-") as tmp:
        tmp = Path(tmp)
        if args.tutorial:
            root_dir, notebook = repo / "tutorials", args.tutorial
        else:
            root_dir, notebook = tmp, NOTEBOOK
            write_notebook(tmp)
            cif = extract_cif(archive, args.cif_id, tmp)
        with lab_page(root_dir, notebook, tmp / "lab.log", args.chromium) as (page, url):
            t0 = time.perf_counter()
            if args.tutorial:
                open_and_run(page, url, ".widget-tab")
                time.sleep(15)
                path = out_dir / f"{Path(notebook).stem}.png"
                page.screenshot(path=str(path))
                print(f"screenshot: {path}")
                return 0
            open_and_run(page, url, ".ssenb-explorer .widget-tab")
            log = [f"notebook ready (models fitted) in {time.perf_counter() - t0:.0f} s"]
            log.append(f"first status: {page.evaluate(STATUS_JS)}\n")
            ok = run_states(page, args, cif, out_dir, log)
    (out_dir / "states.txt").write_text("\n".join(log) + "\n")
    print(f"pictures: {', '.join(str(out_dir / f'{n}_{s}.png') for n, s in enumerate(STATES, 1))}")
    print(f"notes: {out_dir / 'states.txt'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
