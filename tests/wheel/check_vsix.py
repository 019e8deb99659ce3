"""Checks a platform .vsix: it is a zip holding the server binary for its
target under extension/server/ (executable, of the target's OS and
architecture, judged from its header independently of
editors/vscode/scripts/package.js), the bundled extension, nothing else
that should not ship, and a manifest naming the target.

    python tests/wheel/check_vsix.py path/to/pyexplain-TARGET.vsix TARGET
"""
import re
import stat
import struct
import sys
import zipfile

path, target = sys.argv[1], sys.argv[2]
failures = []
checks = 0


def check(name, ok, detail=""):
    global checks
    checks += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(name)


def kind(data):
    """(os, arch) of an executable's header."""
    if data[:4] == b"\x7fELF":
        machine = struct.unpack_from("<H" if data[5] == 1 else ">H", data, 18)[0]
        return "linux", {0x3E: "x64", 0xB7: "arm64", 0x28: "armhf"}.get(machine, hex(machine))
    if data[:2] == b"MZ":
        pe = struct.unpack_from("<I", data, 0x3C)[0]
        machine = struct.unpack_from("<H", data, pe + 4)[0]
        return "win32", {0x8664: "x64", 0xAA64: "arm64"}.get(machine, hex(machine))
    if data[:4] == b"\xcf\xfa\xed\xfe":
        cpu = struct.unpack_from("<I", data, 4)[0]
        return "darwin", {0x01000007: "x64", 0x0100000C: "arm64"}.get(cpu, hex(cpu))
    return "unknown", "unknown"


platform, arch = target.split("-")
want_os = "linux" if platform == "alpine" else platform
exe = "pyexplain.exe" if platform == "win32" else "pyexplain"
with zipfile.ZipFile(path) as z:
    names = z.namelist()
    binary = f"extension/server/{exe}"
    check("the .vsix contains the server binary", binary in names, names)
    if binary in names:
        mode = z.getinfo(binary).external_attr >> 16
        check("the binary is executable", bool(mode & stat.S_IXUSR), oct(mode))
        got = kind(z.read(binary))
        check(f"the binary is a {want_os}-{arch} executable", got == (want_os, arch), got)
    check("the bundle is built (dist/extension.js)", "extension/dist/extension.js" in names, names)
    check("no node_modules or sources inside", not any("node_modules" in n or "/src/" in n for n in names), names)
    bundle = z.read("extension/dist/extension.js").decode("utf-8", "replace") if "extension/dist/extension.js" in names else ""
    check("path resolution looks for the bundled server/ binary", "server" in bundle and "PYEXPLAIN_PATH" in bundle)
    manifest = z.read("extension.vsixmanifest").decode("utf-8") if "extension.vsixmanifest" in names else ""
    check(f"the manifest targets {target}", re.search(rf'TargetPlatform="{re.escape(target)}"', manifest), manifest[:400])
print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
