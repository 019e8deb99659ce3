#!/usr/bin/env bash
# The pyexplain benchmark, in one go: sets up bench/.venv (pinned ruff and
# python-lsp-server), builds pyexplain in release mode, copies the Python
# standard library to a temporary corpus, measures, and prints a markdown
# report that is also written to bench/results.md (raw numbers:
# bench/results.json). See bench/README.md.
#
# Environment: BENCH_RUNS (CLI runs per command, default 5), BENCH_HOVERS
# (hovers per file, default 200), BENCH_EDITS (didChange edits, default 50),
# BENCH_NO_BUILD=1 (skip cargo build). Extra arguments go to bench.py
# (e.g. --skip-lsp, --skip-cli).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$bench")"

"$bench/setup.sh"

target="${CARGO_TARGET_DIR:-$repo/target}"
built="$target/release/pyexplain"
[[ -x "$built" ]] || { echo "bench: no $built" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/pyexplain-bench.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT
# A private copy of the binary: a build started elsewhere during the run
# must not swap it under the measurement.
pyexplain="$work/pyexplain"
cp "$built" "$pyexplain"
corpus="$work/corpus"
"$bench/corpus.sh" "$corpus"

"$bench/.venv/bin/python" "$bench/bench.py" \
    --repo "$repo" --corpus "$corpus" \
    --pyexplain "$pyexplain" \
    --ruff "$bench/.venv/bin/ruff" \
    --pylsp "$bench/.venv/bin/pylsp" \
    --jedi-ls "$bench/.venv/bin/jedi-language-server" \
    --runs "${BENCH_RUNS:-5}" \
    --hovers "${BENCH_HOVERS:-200}" \
    --edits "${BENCH_EDITS:-50}" \
    --out "$bench/results.md" \
    --json "$bench/results.json" \
    "$@"
