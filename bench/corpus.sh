#!/usr/bin/env bash
# corpus.sh DEST: copies the .py files of the installed Python standard
# library (python3's sysconfig "stdlib" path), structure preserved, into DEST,
# leaving out site-packages/dist-packages and hidden directories. A copy, so
# that both tools see exactly the same files and no third-party package.
set -euo pipefail
dest="${1:?usage: corpus.sh DEST}"
python="${PYTHON:-python3}"
stdlib="$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')"
mkdir -p "$dest"
cd "$stdlib"
find . \( -path ./site-packages -o -path ./dist-packages -o -name '.?*' -type d \) -prune \
    -o -type f -name '*.py' -print0 | xargs -0 cp --parents -t "$dest"
