#!/usr/bin/env bash
# Create ./.venv with ssenb and its dev tools; point SSENB_DATA_DIR at the shared mirror when
# it sits beside the repo. Source it (". scripts/setup.sh") or call it from the other scripts.
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
  "$PY" -m uv pip install --quiet --python .venv/bin/python -e ".[dev,dask,mlip]"
else  # plain venv + pip fallback
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$TORCH"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev,dask,mlip]"
fi
if [ -z "${SSENB_DATA_DIR:-}" ] && [ -d "$ROOT/../shared/data" ]; then
  export SSENB_DATA_DIR="$(cd "$ROOT/../shared/data" && pwd)"
fi
export PATH="$ROOT/.venv/bin:$PATH"
