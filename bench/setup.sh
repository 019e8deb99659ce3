#!/usr/bin/env bash
# Prepares what the benchmark needs: bench/.venv with the pinned peers
# (ruff, python-lsp-server + pyflakes) and `cargo build --release`.
# Idempotent: the venv is reinstalled only when requirements.txt changes.
# BENCH_NO_BUILD=1 skips the cargo build (uses the binary already there).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$bench")"
venv="$bench/.venv"

if [[ ! -x "$venv/bin/python" ]]; then
    echo "bench: creating $venv" >&2
    python3 -m venv "$venv"
fi
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$bench/requirements.txt" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "bench: installing pinned ruff and python-lsp-server into $venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$bench/requirements.txt"
    echo "$want" >"$stamp"
fi

if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
    echo "bench: cargo build --release" >&2
    (cd "$repo" && cargo build --release --quiet)
fi
