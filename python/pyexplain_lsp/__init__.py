"""pyexplain-lsp: the `pyexplain` executable, installed by this wheel.

`python -m pyexplain_lsp ...` runs it; `find_pyexplain_bin()` returns its path.
"""

import os
import sys
import sysconfig


def find_pyexplain_bin() -> str:
    """The path of the installed `pyexplain` executable."""
    exe = "pyexplain" + (sysconfig.get_config_var("EXE") or "")
    candidates = [sysconfig.get_path("scripts")]
    user_scheme = {"nt": "nt_user", "posix": "posix_user"}.get(os.name)
    if user_scheme and sys.version_info >= (3, 10):
        candidates.append(sysconfig.get_path("scripts", scheme=sysconfig.get_preferred_scheme("user")))
    elif user_scheme:
        candidates.append(sysconfig.get_path("scripts", user_scheme))
    # pip install --target: the scripts directory sits beside the package.
    candidates.append(os.path.join(os.path.dirname(os.path.dirname(__file__)), "bin"))
    for directory in candidates:
        path = os.path.join(directory, exe)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(f"the pyexplain executable was not found in {candidates}")
