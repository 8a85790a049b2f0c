"""Real-browser check: JupyterLab serves tutorial 06 to headless Chromium, which runs it and
takes a screenshot of the Explorer (structure view and figures rendered).

Needs Debian's chromium (apt-get install chromium) and the playwright Python package
(pip install playwright; its own browser download is not used). Run from the repo root:

    SSENB_DATA_DIR=../shared/data python scripts/browser_check.py [-o out/browser_check.png]

Exit code 0 when the Explorer's tabs and at least two plotly figures rendered.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-o", "--output", default="out/browser_check.png")
    parser.add_argument("--notebook", default="06_explorer.ipynb")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    root = Path(__file__).resolve().parents[1]
    port = free_port()
    lab = subprocess.Popen(
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
            f"--ServerApp.root_dir={root / 'tutorials'}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/api", 60)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.goto(f"http://127.0.0.1:{port}/lab/tree/{args.notebook}")
            page.wait_for_selector(".jp-Notebook", timeout=60_000)
            page.wait_for_function("window.jupyterapp !== undefined", timeout=60_000)
            time.sleep(8)  # let the kernel start; run-all queues until it is ready
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            try:
                page.wait_for_selector(".widget-tab", timeout=240_000)
            except Exception:
                page.screenshot(path=str(Path(args.output).with_suffix(".failed.png")))
                raise
            page.wait_for_function(
                "document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=240_000
            )
            page.wait_for_function(
                "[...document.querySelectorAll('.jp-OutputArea-output')].some(e => e.innerText.includes('done'))",
                timeout=240_000,
            )
            time.sleep(4)
            for label in ("Cancel", "No"):  # "Build Recommended" (dash extension), news prompt
                button = page.get_by_role("button", name=label, exact=True)
                if button.count():
                    button.first.click()
            time.sleep(1)
            out = Path(args.output)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=False)
            n_plots = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
            has_3d = page.evaluate(
                "document.querySelectorAll('.js-plotly-plot .gl-container, .js-plotly-plot canvas').length > 0"
            )
            browser.close()
        print(f"screenshot: {out}; plotly figures rendered: {n_plots}; 3D canvas: {has_3d}")
        return 0 if n_plots >= 2 else 1
    finally:
        lab.terminate()
        lab.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
