#!/usr/bin/env python3
"""Vendors the typeshed stubs pyexplain's semantic model reads.

Downloads the pinned `typeshed_client` wheel from PyPI (it ships typeshed's
stdlib stubs), takes the ROOTS modules and every stdlib module their stubs
import, and writes them under vendor/typeshed/stdlib/ with typeshed's
VERSIONS file. vendor/typeshed/README.md records the version; LICENSE is
typeshed's own (Apache-2.0, parts MIT), kept beside the stubs.

    scripts/vendor-typeshed.py            # rewrite vendor/typeshed/stdlib
"""

import ast
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "typeshed_client==2.15.0"

# The modules the course touches, and the everyday ones a learner imports.
ROOTS = """
builtins collections collections.abc typing typing_extensions abc functools
contextlib dataclasses enum array bisect weakref socket select selectors
threading queue multiprocessing multiprocessing.pool multiprocessing.managers
multiprocessing.queues multiprocessing.dummy concurrent.futures asyncio io
dis gc sys itertools time random math operator types copy heapq json re os
pathlib datetime logging inspect pickle urllib.request contextvars
socketserver statistics string numbers decimal fractions traceback warnings
signal struct shutil tempfile textwrap csv uuid hashlib secrets pprint timeit
""".split()


def module_path(root, mod):
    base = os.path.join(root, *mod.split("."))
    if os.path.exists(os.path.join(base, "__init__.pyi")):
        return os.path.join(base, "__init__.pyi")
    if os.path.exists(base + ".pyi"):
        return base + ".pyi"
    return None


def closure(root):
    seen = {}
    todo = list(ROOTS)
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        path = module_path(root, mod)
        if path is None:
            continue
        seen[mod] = path
        parts = mod.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        package = mod if path.endswith("__init__.pyi") else ".".join(parts[:-1])
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                todo.extend(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    if node.level > 1:
                        base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module
                todo.append(target)
                todo.extend(f"{target}.{a.name}" for a in node.names)
    return seen


# Run by the newest Python 3.x found: every class a vendored module offers
# (by the name the module offers it under) and its runtime `__mro__` (each
# class by `__module__.__qualname__`). Typeshed describes classes for type
# checkers (`Protocol` and `Generic` among the bases, ABCs where the runtime
# has other bases); MROs shown to a learner come from this table instead.
DUMP_MROS = r"""
import importlib, sys, warnings
warnings.simplefilter("ignore")
rows = {}
classes = {}
for name in sys.argv[1:]:
    try:
        module = importlib.import_module(name)
    except Exception:
        continue
    for attr in dir(module):
        if attr.startswith("__"):
            continue
        try:
            value = getattr(module, attr)
        except Exception:
            continue
        if not isinstance(value, type):
            continue
        mro = " ".join(f"{c.__module__}.{c.__qualname__}" for c in value.__mro__)
        rows[f"{name}.{attr}"] = mro
        for c in value.__mro__:
            classes[f"{c.__module__}.{c.__qualname__}"] = c
for key in sorted(rows):
    print(f"{key}\t{rows[key]}")
print("")
# Then what each class of those MROs defines itself (`vars(cls)`): which
# class of a runtime MRO really owns a method (typeshed often declares a
# method on a base only, or again on a subclass).
# (Bookkeeping entries no lookup pyexplain explains asks for are left out.)
NOISE = {"__doc__", "__module__", "__dict__", "__weakref__", "__firstlineno__",
         "__static_attributes__", "__abstractmethods__", "_abc_impl",
         "__annotations__", "__orig_bases__", "__parameters__", "__qualname__"}
for key in sorted(classes):
    names = sorted(n for n in vars(classes[key]) if n not in NOISE)
    print(f"{key}\t{' '.join(names)}")
"""


def newest_python():
    found = []
    for exe in glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3.*")):
        base = os.path.basename(exe)
        if base.count(".") == 1 and base[len("python3."):].isdigit():
            found.append((int(base[len("python3."):]), exe))
    return max(found)[1] if found else sys.executable


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    dest = os.path.join(here, "..", "vendor", "typeshed")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp, PACKAGE],
            check=True,
        )
        wheel = next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".whl"))
        with zipfile.ZipFile(wheel) as z:
            z.extractall(tmp)
        root = os.path.join(tmp, "typeshed_client", "typeshed")
        modules = closure(root)
        out = os.path.join(dest, "stdlib")
        shutil.rmtree(out, ignore_errors=True)
        for path in modules.values():
            rel = os.path.relpath(path, root)
            os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
            shutil.copy(path, os.path.join(out, rel))
        shutil.copy(os.path.join(root, "VERSIONS"), os.path.join(out, "VERSIONS"))
    python = newest_python()
    version = subprocess.run(
        [python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    dumped = subprocess.run(
        [python, "-c", DUMP_MROS, *sorted(modules)],
        capture_output=True, text=True, check=True,
    ).stdout
    table, members = dumped.split("\n\n", 1)
    with open(os.path.join(dest, "runtime-mro.tsv"), "w", encoding="utf-8") as f:
        f.write(f"# Runtime __mro__ of the classes the vendored modules offer, from CPython {version}\n")
        f.write("# (scripts/vendor-typeshed.py). name<TAB>mro, each class as module.qualname.\n")
        f.write(table + "\n")
    with open(os.path.join(dest, "runtime-members.tsv"), "w", encoding="utf-8") as f:
        f.write(f"# What each class of those MROs defines itself (vars(cls)), from CPython {version}\n")
        f.write("# (scripts/vendor-typeshed.py). module.qualname<TAB>names.\n")
        f.write(members)
    total = sum(
        os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs
    )
    with open(os.path.join(dest, "README.md"), "w", encoding="utf-8") as f:
        f.write(
            "# Vendored typeshed stubs\n\n"
            "The standard library's type stubs from "
            "[typeshed](https://github.com/python/typeshed), as shipped by the PyPI\n"
            f"package `{PACKAGE}`. pyexplain's semantic model parses them\n"
            "(lazily, with the same tree-sitter grammar as the user's code) to know the\n"
            "stdlib's classes, their bases, methods, descriptors and return types.\n\n"
            f"{len(modules)} modules ({total // 1024} KiB): the ones the course touches and\n"
            "everyday ones, with every stdlib module their stubs import. Regenerate with\n"
            "`scripts/vendor-typeshed.py` (the roots are listed there).\n\n"
            "`runtime-mro.tsv` is ours: the runtime `__mro__` of every class those\n"
            "modules offer, dumped from CPython by the same script (typeshed describes\n"
            "classes for type checkers, with `Protocol`/`Generic` among the bases).\n"
            "`runtime-members.tsv` too: what each class of those MROs defines itself\n"
            "(`vars(cls)`), so that a method is attributed to the class that really\n"
            "owns it at runtime (a stub may declare it on another).\n\n"
            "Licence: typeshed's, in `LICENSE` (Apache-2.0; parts MIT).\n"
        )
    print(f"{len(modules)} modules, {total} bytes")


if __name__ == "__main__":
    main()
