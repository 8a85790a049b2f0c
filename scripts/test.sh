#!/usr/bin/env bash
# Set up, lint, run the test suite offline, then execute every notebook.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
export SSENB_OFFLINE=1 MPLBACKEND=Agg
ruff check ssenb tests benchmarks scripts
python -m pytest tests "$@"
shopt -s nullglob
notebooks=(tutorials/*.ipynb notebooks/*.ipynb)
if [ ${#notebooks[@]} -gt 0 ]; then
  python -m pytest --nbmake --nbmake-timeout=900 "${notebooks[@]}"
fi
