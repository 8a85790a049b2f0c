#!/usr/bin/env bash
# The main job: set up, show what is installed and cached, then a small end-to-end run
# against the offline data: a thermodynamics report of Li10GeP2S12 and a window screen of
# well-known electrolytes, and a cross-validation of the conductivity model on the OBELiX
# training split. Outputs go to ./out/ (--force: this script owns them and replaces them).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
mkdir -p out
ssenb info
ssenb report Li10GeP2S12 -o out/Li10GeP2S12.html --force
ssenb screen Li3PS4 Li10GeP2S12 Li6PS5Cl Li7La3Zr2O12 Li3PO4 Li2PO2N Li3InCl6 LiF -q -o out/windows.csv --force
cat out/windows.csv
# CV of the default ensemble drawn like the official OBELiX split (5 draws); progress bars
# (featurization, then folds) show where it is, and the elapsed time is printed at the end.
echo "cross-validation of the conductivity model (5 paper-grouped draws) ..."
start=$SECONDS
ssenb cv -o out/cv_predictions.csv --force
echo "cross-validation took $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
