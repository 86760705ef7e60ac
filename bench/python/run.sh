#!/usr/bin/env bash
# rotaplan's model build against the same model built with PuLP. See README.md here.
#
#   bash bench/python/run.sh
#
# Makes a venv under target/pybench-venv with a pinned PuLP, snapshots the rotaplan binary
# (so a concurrent `cargo build` cannot swap it mid-run), and runs compare.py, which generates the
# scenario ladder, times both builds, checks the models are the same and writes
# bench/results/python-compare.csv. About 8-10 minutes on 2 cores.
#
# Environment (all optional): SIZES="small medium large", RUNS=3 (PuLP), ROT_RUNS=5 (rotaplan),
# IDIOMATIC=1, MPS_CHECK=small, PULP_TIMEOUT=900, OUT=bench/results/python-compare.csv,
# ROTAPLAN=path/to/rotaplan.
set -euo pipefail
cd "$(dirname "$0")/../.."

PULP_VERSION=3.3.2
VENV=target/pybench-venv
WORK=target/pybench

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import pulp, sys; sys.exit(pulp.__version__ != '$PULP_VERSION')" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet "pulp==$PULP_VERSION"
fi

src=${ROTAPLAN:-target/release/rotaplan}
if [ ! -x "$src" ]; then
    cargo build --release
fi
mkdir -p "$WORK"
cp "$src" "$WORK/rotaplan"

echo "rotaplan: $("$WORK/rotaplan" --version), work tree $(git describe --always --dirty 2>/dev/null || echo '?') (binary $src, $(date -u -r "$src" +%FT%TZ))"
echo "python:   $("$VENV/bin/python" --version 2>&1), PuLP $("$VENV/bin/python" -c 'import pulp; print(pulp.__version__)')"
echo "machine:  $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/{print $2}') GB"

ROTAPLAN="$WORK/rotaplan" WORK="$WORK" "$VENV/bin/python" bench/python/compare.py
