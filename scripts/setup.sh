#!/usr/bin/env bash
# One idempotent setup for the kit; `npm start` and `npm test` run it first.
#  1. node_modules from package-lock.json (npm ci) when missing or stale;
#  2. the Debian packages the kit needs, when missing;
#  3. the native kernels addon (native/: oneDNN convolutions, a row sum), built with node-gyp
#     when libdnnl-dev is present and the build is missing or older than its source;
#  4. the tslab Jupyter kernel, registered with the absolute path of the
#     project's own tslab binary so that no PATH edit is needed.
# Set SALIENCY_SKIP_APT=1 to skip step 2 (then missing packages are listed).
# With --sanitize, step 3 also builds the addon with AddressSanitizer
# (native/build/Debug), which `npm run fuzz -- --sanitize` runs.
set -euo pipefail
SANITIZE=0
for arg in "$@"; do
  case "$arg" in
    --sanitize) SANITIZE=1 ;;
    *) echo "[setup] unknown option: $arg (the only option is --sanitize)" >&2; exit 2 ;;
  esac
done
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[setup] %s\n' "$*"; }

# --- 1. npm packages -------------------------------------------------------
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
else
  log "npm packages up to date"
fi

# --- 2. Debian packages ----------------------------------------------------
# dataset-fashion-mnist: the data (/usr/share/datasets/fashion-mnist)
# jupyter-*: headless notebook runs (nbconvert) and the interactive front end
# chromium: headless PNG export of the Plotly figures (lib/plot/png-export.ts)
# libdnnl-dev: oneDNN, for the native convolution kernels of the onednn engine (native/)
# slurm*, munge: the single-node Slurm cluster the tests of experiments/tools/submit.ts start
DEB_PACKAGES=(dataset-fashion-mnist jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client jupyter-notebook chromium libdnnl-dev slurmctld slurmd slurm-client munge)
missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  if [[ "${SALIENCY_SKIP_APT:-0}" != 1 && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "MISSING Debian packages: ${missing[*]}"
    log "install them with:  sudo apt-get update && sudo apt-get install ${missing[*]}"
    log "(the library and its tests that need no data still run; data loaders will name the package they need)"
  fi
else
  log "Debian packages present"
fi

# --- 3. native kernels addon (oneDNN) --------------------------------------
# Builds one configuration of the addon when it is missing or older than its
# source: Release (the engine's) or Debug (AddressSanitizer, for the fuzzer).
build_addon() {
  local config="$1" addon="native/build/$1/wasm_heap_kernels.node"
  if [[ -f "$addon" && ! native/wasm-heap-kernels.cc -nt "$addon" && ! native/binding.gyp -nt "$addon" ]]; then
    log "native kernels addon built ($addon)"
    return 0
  fi
  log "building the native kernels addon (oneDNN) ($addon)"
  # Node's own headers, next to its binary, so node-gyp downloads nothing
  local node_dir gyp="$ROOT/node_modules/.bin/node-gyp"
  node_dir="$(dirname "$(dirname "$(command -v node)")")"
  local flag=""
  [[ "$config" == Debug ]] && flag="--debug"
  (cd native && "$gyp" configure --nodedir="$node_dir" >build.log 2>&1 && "$gyp" build $flag --nodedir="$node_dir" >>build.log 2>&1)
}
if [[ -f /usr/include/oneapi/dnnl/dnnl.hpp ]]; then
  build_addon Release || log "the native kernels addon did not build (see native/build.log); the kit runs on plain wasm"
  if ((SANITIZE)); then
    build_addon Debug || { log "the AddressSanitizer build of the addon failed (see native/build.log)"; exit 1; }
  fi
else
  log "libdnnl-dev missing: no native kernels addon, the kit runs on plain wasm"
  if ((SANITIZE)); then log "--sanitize needs libdnnl-dev"; exit 1; fi
fi

# --- 4. tslab kernel -------------------------------------------------------
TSLAB="$ROOT/node_modules/.bin/tslab"
if command -v jupyter >/dev/null; then
  # the Python that runs Jupyter (Debian's), not whichever python3 is first on PATH
  JUPYTER_PY="$(head -1 "$(command -v jupyter)" | sed -e 's/^#! *//' -e 's/ .*//')"
  spec_dir="$(jupyter kernelspec list 2>/dev/null | awk '$1=="tslab"{print $2}')"
  if [[ -z "$spec_dir" ]] || ! grep -qF "$TSLAB" "$spec_dir/kernel.json" 2>/dev/null; then
    log "registering the tslab kernel ($TSLAB)"
    "$TSLAB" install --python="$JUPYTER_PY" --binary="$TSLAB" >/dev/null
  else
    log "tslab kernel registered"
  fi
else
  log "Jupyter not found: the tslab kernel is not registered (see the Debian packages above)"
fi
