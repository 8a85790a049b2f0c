#!/usr/bin/env bash
# Set up, lint, run the test suite offline, then execute every notebook.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
export SSENB_OFFLINE=1 MPLBACKEND=Agg
ruff check ssenb tests benchmarks scripts
# Binder (repo2docker) builds with the Python in binder/runtime.txt: binder/requirements.txt
# must be the package's core dependencies plus the extras the notebooks need (BINDER_EXTRAS),
# written as pyproject writes them, and resolve for that Python (needs PyPI; set
# SSENB_SKIP_BINDER_CHECK=1 on a machine without it). The notebooks then run in an
# environment built from binder/ (binder_env below), so a missing package fails here.
export BINDER_EXTRAS="dask figures"
python - <<'PY'
import os, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
want = list(project["dependencies"])
for extra in os.environ["BINDER_EXTRAS"].split():
    want += project["optional-dependencies"][extra]
norm = lambda r: r.replace(" ", "").lower()
lines = [l.split("#")[0].strip() for l in open("binder/requirements.txt")]
have = {norm(l) for l in lines if l}
if have != {norm(r) for r in want}:
    raise SystemExit(
        "binder/requirements.txt must be pyproject's dependencies + extras "
        f"{os.environ['BINDER_EXTRAS']}: missing {sorted({norm(r) for r in want} - have)}, "
        f"not in pyproject {sorted(have - {norm(r) for r in want})}"
    )
PY
binder_py="$(sed -n 's/^python-\([0-9.]*\).*/\1/p' binder/runtime.txt)"
uv_cmd=("$PY" -m uv); "$PY" -m uv --version >/dev/null 2>&1 || uv_cmd=(uv)
if [ "${SSENB_SKIP_BINDER_CHECK:-0}" != "1" ]; then
  "${uv_cmd[@]}" pip compile --quiet --python-version "$binder_py" binder/requirements.txt -o /dev/null \
    || { echo "binder/requirements.txt does not resolve for Python $binder_py (Binder would fail)" >&2; exit 1; }
fi
# The exported-notebook check opens tutorial 06 in headless Chromium (setup.sh installs it
# where it can); SSENB_SKIP_BROWSER_CHECK=1 skips that check on a machine without one.
if [ -z "${CHROMIUM:-}" ] && [ "${SSENB_SKIP_BROWSER_CHECK:-0}" != "1" ]; then
  echo "no Chromium for the exported-notebook check: apt-get install chromium" \
    "(or SSENB_SKIP_BROWSER_CHECK=1)" >&2
  exit 1
fi
mypy  # files and strictness in pyproject.toml [tool.mypy]
# Default models fitted by tests, doctests and notebooks are cached in a throwaway folder,
# never in the user's cache
model_dir="$(mktemp -d)"
side_log="$(mktemp)"
nb_dir="$(mktemp -d)"  # the notebooks' executed copies
job_pids=()
kill_tree() {  # a job and every process under it (pytest, its notebook kernels)
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${job_pids[@]}"; do kill_tree "$pid"; done
  rm -rf "$model_dir" "$side_log" "$nb_dir"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
export SSENB_MODEL_DIR="$model_dir"
# The suite (then the doctests) and the notebooks are two mostly single-threaded jobs of
# about the same length: they run side by side on two cores (the notebooks' output is
# printed after). SSENB_CI_SERIAL=1 runs them one after the other instead.
main_job() {
  python -m pytest tests --durations=10 "$@" || return
  # Examples in docstrings run offline
  python -m pytest -p no:cacheprovider --doctest-modules \
    ssenb/thermo ssenb/features ssenb/models ssenb/explain ssenb/results.py ssenb/summary.py \
    ssenb/report.py ssenb/batch.py ssenb/pipeline.py ssenb/widgets/window.py ssenb/mlip ssenb/widgets/doping.py ssenb/data ssenb/cli.py \
    ssenb/transport ssenb/viz/transport.py ssenb/design ssenb/li_table.py ssenb/viz/properties.py \
    ssenb/widgets/properties_panel.py
}
binder_env() {
  # .venv-binder, built from scratch as repo2docker builds it: the Python of runtime.txt,
  # requirements.txt, then postBuild with that venv's python and pip first on PATH (uv
  # instead of pip for the requirements: the same resolution, from uv's warm cache).
  # pytest and nbmake are added on top only to run the notebooks.
  rm -rf .venv-binder
  "${uv_cmd[@]}" venv --quiet --seed --python "$binder_py" .venv-binder
  "${uv_cmd[@]}" pip install --quiet --python .venv-binder/bin/python -r binder/requirements.txt
  rm -rf build/lib  # setuptools' scratch copy: a module deleted since must not reach the wheel
  local log; log="$(mktemp)"
  (export PATH="$ROOT/.venv-binder/bin:$PATH"; bash binder/postBuild >"$log" 2>&1) \
    || { cat "$log" >&2; rm -f "$log"; return 1; }
  rm -f "$log"
  "${uv_cmd[@]}" pip install --quiet --python .venv-binder/bin/python "pytest>=8" "nbmake>=1.5"
}
side_job() {
  # Every notebook (tutorials/*, notebooks/*: new ones are picked up) runs in the Binder
  # environment, on a copy (what the notebooks write stays out of the checkout), saved
  # executed; then tutorial 06 is exported to HTML and checked in headless Chromium offline.
  shopt -s nullglob
  local start=$SECONDS
  binder_env || { echo "building the Binder environment failed" >&2; return 1; }
  echo "Binder environment built in $((SECONDS - start)) s"
  # benchmarks/ too: a figure notebook reads its cached CV results there, as in a Binder checkout
  cp -r tutorials notebooks benchmarks "$nb_dir"/
  local notebooks=("$nb_dir"/tutorials/*.ipynb "$nb_dir"/notebooks/*.ipynb)
  [ ${#notebooks[@]} -gt 0 ] || return 0
  (cd "$nb_dir" && "$ROOT/.venv-binder/bin/python" -m pytest -p no:cacheprovider --rootdir . \
    --nbmake --overwrite --nbmake-timeout=900 --durations=5 "${notebooks[@]#"$nb_dir"/}") || return
  if [ "${SSENB_SKIP_BROWSER_CHECK:-0}" != "1" ]; then
    # six figures: the Explorer's five tabs with a figure (draw_all) and the WindowExplorer
    .venv-binder/bin/python scripts/check_export.py "$nb_dir/tutorials/06_explorer.ipynb" \
      --min-figures 6 --out out/export_check || return
  fi
  echo "notebook job (Binder environment, notebooks, export check): $((SECONDS - start)) s"
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
