"""`python -m pyexplain_lsp ...` runs the installed executable."""

import os
import subprocess
import sys

from pyexplain_lsp import find_pyexplain_bin


def main() -> int:
    binary = find_pyexplain_bin()
    args = [binary, *sys.argv[1:]]
    if sys.platform == "win32":
        return subprocess.call(args)
    os.execv(binary, args)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
