#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless with the tslab kernel and
# fails when a cell fails. Executed copies (with outputs, ≈ 5 MB each: the
# inlined plotly.js bundle) go to a temporary folder, or to $1 when given;
# the committed notebooks stay output-free.
#
# SALIENCY_NOTEBOOK_FAST defaults to 1 here (the small configuration CI
# runs); set SALIENCY_NOTEBOOK_FAST=0 for the full one.
# Needs Jupyter's nbconvert and the tslab kernel: scripts/setup.sh installs both.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export SALIENCY_NOTEBOOK_FAST="${SALIENCY_NOTEBOOK_FAST:-1}"
export PYDEVD_DISABLE_FILE_VALIDATION=1

if ! command -v jupyter >/dev/null || ! jupyter nbconvert --version >/dev/null 2>&1; then
  echo "[notebooks] jupyter nbconvert not found: install the Debian packages jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client (bash scripts/setup.sh does)" >&2
  exit 1
fi
if ! jupyter kernelspec list 2>/dev/null | awk '{print $1}' | grep -qx tslab; then
  echo "[notebooks] the tslab Jupyter kernel is not registered: run bash scripts/setup.sh" >&2
  exit 1
fi

# The committed notebooks must match their cell sources.
npx ts-node --transpile-only notebooks/build.ts --check

OUT="${1:-$(mktemp -d -t saliency-notebooks.XXXXXX)}"
mkdir -p "$OUT"
total_start=$SECONDS
for nb in notebooks/*.ipynb; do
  start=$SECONDS
  echo "[notebooks] executing $nb"
  log="$OUT/$(basename "$nb" .ipynb).log"
  status=0
  jupyter nbconvert --to notebook --execute \
    --ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout=600 \
    --output-dir "$OUT" "$nb" >"$log" 2>&1 || status=$?
  # debugpy's start-up notes are noise; show the rest
  grep -v -e 'Debugger warning' -e 'frozen modules' -e 'make the debugger miss' -e 'Debugging will proceed' "$log" || true
  if ((status != 0)); then
    echo "[notebooks] FAILED: $nb (exit $status; the failing cell is shown above, log in $log)" >&2
    exit 1
  fi
  executed="$OUT/$(basename "$nb")"
  echo "[notebooks] $nb: $((SECONDS - start)) s, executed copy $executed ($(du -k "$executed" | cut -f1) KiB)"
done
echo "[notebooks] all notebooks ran in $((SECONDS - total_start)) s (SALIENCY_NOTEBOOK_FAST=$SALIENCY_NOTEBOOK_FAST); executed copies in $OUT"
