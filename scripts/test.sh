#!/usr/bin/env bash
# Set up, lint, run the test suite offline, then execute every notebook.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
export SSENB_OFFLINE=1 MPLBACKEND=Agg
ruff check ssenb tests benchmarks scripts
# Binder (repo2docker) builds with the Python in binder/runtime.txt: binder/requirements.txt
# must list the package's core dependencies and resolve for that Python (needs PyPI; set
# SSENB_SKIP_BINDER_CHECK=1 on a machine without it).
python - <<'PY'
import re, tomllib
core = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]
lines = [l.split("#")[0].strip() for l in open("binder/requirements.txt")]
binder = {l for l in lines if l}
name = lambda r: re.split(r"[<>=!~ \[;]", r, maxsplit=1)[0].lower()
if {name(r) for r in core} != {name(r) for r in binder}:
    raise SystemExit(f"binder/requirements.txt {sorted(binder)} != pyproject dependencies {sorted(core)}")
PY
if [ "${SSENB_SKIP_BINDER_CHECK:-0}" != "1" ]; then
  binder_py="$(sed -n 's/^python-\([0-9.]*\).*/\1/p' binder/runtime.txt)"
  uv_cmd=("$PY" -m uv); "$PY" -m uv --version >/dev/null 2>&1 || uv_cmd=(uv)
  "${uv_cmd[@]}" pip compile --quiet --python-version "$binder_py" binder/requirements.txt -o /dev/null \
    || { echo "binder/requirements.txt does not resolve for Python $binder_py (Binder would fail)" >&2; exit 1; }
fi
mypy  # files and strictness in pyproject.toml [tool.mypy]
# Default models fitted by tests, doctests and notebooks are cached in a throwaway folder,
# never in the user's cache
model_dir="$(mktemp -d)"
side_log="$(mktemp)"
job_pids=()
kill_tree() {  # a job and every process under it (pytest, its notebook kernels)
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${job_pids[@]}"; do kill_tree "$pid"; done
  rm -rf "$model_dir" "$side_log"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
export SSENB_MODEL_DIR="$model_dir"
# The suite (then the doctests) and the notebooks are two mostly single-threaded jobs of
# about the same length: they run side by side on two cores (the notebooks' output is
# printed after). SSENB_CI_SERIAL=1 runs them one after the other instead.
main_job() {
  python -m pytest tests "$@" || return
  # Examples in docstrings run offline
  python -m pytest -p no:cacheprovider --doctest-modules \
    ssenb/thermo ssenb/features ssenb/models ssenb/explain ssenb/results.py ssenb/summary.py \
    ssenb/report.py ssenb/batch.py ssenb/pipeline.py ssenb/widgets/window.py ssenb/mlip ssenb/widgets/doping.py ssenb/data ssenb/cli.py \
    ssenb/transport ssenb/viz/transport.py
}
side_job() {
  shopt -s nullglob
  local notebooks=(tutorials/*.ipynb notebooks/*.ipynb)
  if [ ${#notebooks[@]} -gt 0 ]; then
    python -m pytest -p no:cacheprovider --nbmake --nbmake-timeout=900 --durations=5 "${notebooks[@]}"
  fi
}
if [ "${SSENB_CI_SERIAL:-0}" = "1" ]; then
  main_job "$@"
  side_job
  exit
fi
# One thread each (XGBoost/OpenMP, numba, BLAS): two jobs of two threads on two cores
# oversubscribe them, and OpenMP's spinning threads then run many times slower.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" NUMBA_NUM_THREADS="${NUMBA_NUM_THREADS:-1}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
# both in the background, so a TERM or Ctrl-C reaches this script at once (bash runs a
# trap only after a foreground command ends) and the cleanup stops both jobs
side_job >"$side_log" 2>&1 &
side_pid=$!
main_job "$@" &
main_pid=$!
job_pids=("$side_pid" "$main_pid")
tests_status=0
wait "$main_pid" || tests_status=$?
side_status=0
wait "$side_pid" || side_status=$?
job_pids=()
echo "=== notebooks (run beside the tests) ==="
cat "$side_log"
if [ "$tests_status" -ne 0 ] || [ "$side_status" -ne 0 ]; then
  echo "FAILED: tests/doctests exit $tests_status, notebooks exit $side_status" >&2
  exit 1
fi
