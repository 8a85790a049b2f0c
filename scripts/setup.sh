#!/usr/bin/env bash
# Create ./.venv with ssenb, its dev tools and the extras the main commands use (dask, mlip,
# figures); point SSENB_DATA_DIR at the shared mirror when it sits beside the repo (ssenb
# itself also looks there when the variable is unset); make sure kaleido (figures) has a
# Chromium to drive. Source it (". scripts/setup.sh") or call it from the other scripts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-python3}"
cd "$ROOT"
if ! "$PY" -m uv --version >/dev/null 2>&1; then
  "$PY" -m pip install --quiet --disable-pip-version-check uv >/dev/null 2>&1 || true
fi
# The mlip extra needs torch: install the CPU build with pip first (it lies on this disk and
# takes seconds; uv would download a CUDA build of several GB), then the extra, which then
# finds torch already there.
TORCH="torch==2.13.0"
if "$PY" -m uv --version >/dev/null 2>&1; then
  [ -x .venv/bin/python ] || "$PY" -m uv venv --quiet --python "$PY" .venv
  .venv/bin/python -c "import torch" 2>/dev/null \
    || "$PY" -m pip --python .venv/bin/python install --quiet --disable-pip-version-check "$TORCH"
  "$PY" -m uv pip install --quiet --python .venv/bin/python -e ".[dev,dask,mlip,figures]"
else  # plain venv + pip fallback
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$TORCH"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev,dask,mlip,figures]"
fi
if [ -z "${SSENB_DATA_DIR:-}" ] && [ -d "$ROOT/../shared/data" ]; then
  export SSENB_DATA_DIR="$(cd "$ROOT/../shared/data" && pwd)"
fi
export PATH="$ROOT/.venv/bin:$PATH"
# kaleido (PNG/SVG/PDF of the figure notebooks and scripts/render_figures.py) drives a Chrome
# or Chromium it does not install. As root with apt (CI, containers) install Debian's;
# otherwise say once what is missing (the figure steps then write HTML only and say why).
CHROMIUM="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$CHROMIUM" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "setup: installing Debian's chromium (for kaleido and the browser checks) ..." >&2
  { apt-get install -y -qq chromium >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; }; } || true
  CHROMIUM="$(command -v chromium || true)"
fi
if [ -z "$CHROMIUM" ]; then
  echo "setup: no Chromium found: PNG/SVG/PDF figures need one (apt-get install chromium," \
    "or .venv/bin/kaleido_get_chrome); HTML figures work without it" >&2
fi
export CHROMIUM
