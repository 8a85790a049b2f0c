#!/usr/bin/env bash
# Set up, lint, run the test suite offline, then execute every notebook.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
export SSENB_OFFLINE=1 MPLBACKEND=Agg
# Python caches compiled modules (__pycache__, in .venv, .venv-binder and the ignored
# ssenb/__pycache__): a machine that sets PYTHONDONTWRITEBYTECODE (containers often do) would
# compile pandas, pymatgen, plotly ... from source again in every one of the run's Python
# processes (each notebook kernel, CLI and worker subprocesses): about 4 CPU s per notebook.
unset PYTHONDONTWRITEBYTECODE
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
resolve_binder() {  # waits on PyPI more than it computes: run beside the jobs
  [ "${SSENB_SKIP_BINDER_CHECK:-0}" = "1" ] && return 0
  "${uv_cmd[@]}" pip compile --quiet --python-version "$binder_py" binder/requirements.txt -o /dev/null \
    || { echo "binder/requirements.txt does not resolve for Python $binder_py (Binder would fail)" >&2; return 1; }
}
# The exported-notebook check opens tutorial 06 in headless Chromium (setup.sh installs it
# where it can); SSENB_SKIP_BROWSER_CHECK=1 skips that check on a machine without one.
if [ -z "${CHROMIUM:-}" ] && [ "${SSENB_SKIP_BROWSER_CHECK:-0}" != "1" ]; then
  echo "no Chromium for the exported-notebook check: apt-get install chromium" \
    "(or SSENB_SKIP_BROWSER_CHECK=1)" >&2
  exit 1
fi
# Default models fitted by tests, doctests and notebooks are cached in a throwaway folder,
# never in the user's cache
model_dir="$(mktemp -d)"
side_log="$(mktemp)"
nb_dir="$(mktemp -d)"  # the notebooks' executed copies
queue="$(mktemp -d)"   # the notebooks both jobs take from (claims, failures, "Binder ready")
job_pids=()
kill_tree() {  # a job and every process under it (pytest, its notebook kernels)
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${job_pids[@]}"; do kill_tree "$pid"; done
  rm -rf "$model_dir" "$side_log" "$nb_dir" "$queue"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
export SSENB_MODEL_DIR="$model_dir"
# Every notebook (tutorials/*, notebooks/*: new ones are picked up) runs in the Binder
# environment, on a copy (what the notebooks write stays out of the checkout), saved
# executed. benchmarks/ goes along: a figure notebook reads its cached CV results there,
# as in a Binder checkout.
cp -r tutorials notebooks benchmarks "$nb_dir"/
cp scripts/notebook_queue.py "$nb_dir/conftest.py"
mkdir "$queue/claims"
shopt -s nullglob
notebooks=("$nb_dir"/tutorials/*.ipynb "$nb_dir"/notebooks/*.ipynb)
notebooks=("${notebooks[@]#"$nb_dir"/}")
shopt -u nullglob

main_job() {
  mypy || return  # files and strictness in pyproject.toml [tool.mypy]
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
run_notebooks() {
  # One pytest over every notebook, in each job ($1 names it): a notebook runs in the job
  # that claims it first (scripts/notebook_queue.py, this copy's conftest.py), so the
  # notebook job starts on them and the test job joins when its tests are done, and both
  # end together. Tutorial 06 is then exported to HTML and checked in headless Chromium
  # offline by the job that ran it. A failure is recorded; the other job goes on.
  (cd "$nb_dir" && SSENB_NB_QUEUE="$queue/claims" SSENB_NB_JOB="$1" \
    "$ROOT/.venv-binder/bin/python" -m pytest -p no:cacheprovider --rootdir . --nbmake \
    --overwrite --nbmake-timeout=900 --durations=20 "${notebooks[@]}") \
    || echo "notebooks run by the $1 job" >>"$queue/failed"
  local by="$queue/claims/tutorials_06_explorer.ipynb/by"
  if [ "$(cat "$by" 2>/dev/null)" = "$1" ] && [ "${SSENB_SKIP_BROWSER_CHECK:-0}" != "1" ]; then
    # six figures: the Explorer's five tabs with a figure (draw_all) and the WindowExplorer
    .venv-binder/bin/python scripts/check_export.py "$nb_dir/tutorials/06_explorer.ipynb" \
      --min-figures 6 --out out/export_check || echo "export check of tutorial 06" >>"$queue/failed"
  fi
}
side_job() {
  local start=$SECONDS
  if ! binder_env; then
    echo "building the Binder environment failed" >&2
    touch "$queue/binder_failed"
    return 1
  fi
  touch "$queue/binder_ready"
  echo "Binder environment built in $((SECONDS - start)) s"
  run_notebooks notebook
  echo "notebook job (Binder environment, notebooks, export check): $((SECONDS - start)) s"
}
join_notebooks() {
  # the test job's share of the notebooks, once the Binder environment exists
  until [ -e "$queue/binder_ready" ] || [ -e "$queue/binder_failed" ]; do sleep 1; done
  [ -e "$queue/binder_ready" ] || return 0  # the notebook job reports the failure
  echo "=== notebooks taken by the test job ==="
  run_notebooks test
}
notebooks_status() {
  if [ -e "$queue/failed" ]; then
    echo "FAILED notebooks:" $(cat "$queue/failed") >&2
    return 1
  fi
}
if [ "${SSENB_CI_SERIAL:-0}" = "1" ]; then
  resolve_binder
  main_job "$@"
  side_job
  notebooks_status
  exit
fi
# One thread each (XGBoost/OpenMP, numba, BLAS): two jobs of two threads on two cores
# oversubscribe them, and OpenMP's spinning threads then run many times slower.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" NUMBA_NUM_THREADS="${NUMBA_NUM_THREADS:-1}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
# both in the background, so a TERM or Ctrl-C reaches this script at once (bash runs a
# trap only after a foreground command ends) and the cleanup stops both jobs
resolve_binder &
resolve_pid=$!
side_job >"$side_log" 2>&1 &
side_pid=$!
# the tests' status is kept apart: a failed suite still takes its share of the notebooks
( tests_status=0; main_job "$@" || tests_status=$?; join_notebooks; exit "$tests_status" ) &
main_pid=$!
job_pids=("$resolve_pid" "$side_pid" "$main_pid")
resolve_status=0
wait "$resolve_pid" || resolve_status=$?
tests_status=0
wait "$main_pid" || tests_status=$?
side_status=0
wait "$side_pid" || side_status=$?
job_pids=()
echo "=== notebooks (run beside the tests) ==="
cat "$side_log"
nb_status=0
notebooks_status || nb_status=$?
if [ "$tests_status" -ne 0 ] || [ "$side_status" -ne 0 ] || [ "$nb_status" -ne 0 ] \
  || [ "$resolve_status" -ne 0 ]; then
  echo "FAILED: mypy/tests/doctests exit $tests_status, notebook job exit $side_status," \
    "notebooks exit $nb_status, Binder requirements resolve exit $resolve_status" >&2
  exit 1
fi
