"""Extracts the `pyexplain` executable from a wheel (the release workflow
bundles it into that platform's .vsix, as scripts/test does here).

    python3 scripts/binary-from-wheel.py WHEEL OUT_DIR

Writes OUT_DIR/pyexplain (pyexplain.exe for a Windows wheel), executable,
and prints its path.
"""
import os
import sys
import zipfile


def main(wheel, out_dir):
    with zipfile.ZipFile(wheel) as z:
        names = [
            n for n in z.namelist()
            if ".data/scripts/" in n and os.path.basename(n) in ("pyexplain", "pyexplain.exe")
        ]
        if len(names) != 1:
            sys.exit(f"binary-from-wheel: {wheel}: expected one pyexplain executable under *.data/scripts/, found {names}")
        os.makedirs(out_dir, exist_ok=True)
        dest = os.path.join(out_dir, os.path.basename(names[0]))
        with z.open(names[0]) as src, open(dest, "wb") as dst:
            dst.write(src.read())
    os.chmod(dest, 0o755)
    print(dest)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
