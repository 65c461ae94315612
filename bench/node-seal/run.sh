#!/usr/bin/env bash
# Runs the node-seal (Microsoft SEAL, WebAssembly) CKKS reference benchmark.
# Usage: bench/node-seal/run.sh [--repetitions R]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund --silent >&2
fi
exec node bench.mjs "$@"
