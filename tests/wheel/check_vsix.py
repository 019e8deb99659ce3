"""Checks a platform .vsix: it is a zip holding the release binary under
extension/server/, executable, and the extension's path resolution picks it.

    python tests/wheel/check_vsix.py path/to/pyexplain-linux-x64-X.Y.Z.vsix
"""
import stat
import sys
import zipfile

path = sys.argv[1]
failures = []
checks = 0


def check(name, ok, detail=""):
    global checks
    checks += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(name)


with zipfile.ZipFile(path) as z:
    names = z.namelist()
    binary = "extension/server/pyexplain"
    check("the .vsix contains the server binary", binary in names, names)
    if binary in names:
        info = z.getinfo(binary)
        mode = info.external_attr >> 16
        check("the binary is executable", bool(mode & stat.S_IXUSR) or mode == 0, oct(mode))
        check("the binary is an ELF executable", z.read(binary)[:4] == b"\x7fELF")
    check("the bundle is built (dist/extension.js)", "extension/dist/extension.js" in names, names)
    check("no node_modules or sources inside", not any("node_modules" in n or "/src/" in n for n in names), names)
    bundle = z.read("extension/dist/extension.js").decode("utf-8", "replace") if "extension/dist/extension.js" in names else ""
    check("path resolution looks for the bundled server/ binary", "server" in bundle and "PYEXPLAIN_PATH" in bundle)
print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
