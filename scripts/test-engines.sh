#!/usr/bin/env bash
# Runs the mocha suite once per engine (SALIENCY_BACKEND=onednn, wasm, cpu),
# after one type check, and fails when any engine's run fails; every engine
# runs even after a failure, and a summary line per engine ends the output.
# Extra arguments go to mocha (e.g. a spec file). The onednn run needs the
# native addon (bash scripts/setup.sh builds it).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
npx tsc -p . || exit 1
summary=()
status=0
for engine in onednn wasm cpu; do
  echo "[test:engines] SALIENCY_BACKEND=$engine npx mocha $*"
  if SALIENCY_BACKEND="$engine" npx mocha "$@"; then
    summary+=("$engine: passed")
  else
    summary+=("$engine: FAILED")
    status=1
  fi
done
printf '[test:engines] %s\n' "${summary[@]}"
exit "$status"
