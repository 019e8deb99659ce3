#!/usr/bin/env python3
"""Fix safety on real tests: the stdlib's own test modules, before and after
`pyexplain check --fix`.

Copies each module into two temporary directories, applies the fixes to one
copy, runs both with unittest (the stdlib's `test` package provides their
helpers), and compares the outcome of every test. With safe fixes only, no
outcome may change (exit 1 otherwise). `--unsafe-fixes` reports what the
unsafe fixes change, for the record (exit 0).

    scripts/fix-corpus.py target/debug/pyexplain [--python python3] [--unsafe-fixes]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

MODULES = [
    "test_list",
    "test_generators",
    "test_asyncgen",
    "test_threading",
    "test_asyncio/test_timeouts",
    "test_coroutines",
    "test_contextlib",
    "test_descr",
]

RUNNER = r"""
import importlib, json, sys, unittest, warnings
warnings.simplefilter("ignore")
name = sys.argv[1]
module = importlib.import_module(name)
suite = unittest.defaultTestLoader.loadTestsFromModule(module)
def walk(s):
    for t in s:
        if isinstance(t, unittest.TestSuite):
            yield from walk(t)
        else:
            yield t.id()
# A suite drops its tests as it runs them: list them first.
all_ids = list(walk(suite))
result = unittest.TestResult()
suite.run(result)
def ids(pairs):
    return [t.id() for t, _ in pairs]
bad = {}
for kind, pairs in (("failure", result.failures), ("error", result.errors),
                    ("skipped", result.skipped),
                    ("unexpected-success", [(t, "") for t in result.unexpectedSuccesses])):
    for i in ids(pairs):
        bad[i] = kind
out = {i: bad.get(i, "ok") for i in all_ids}
for i, kind in bad.items():
    out.setdefault(i, kind)
print(json.dumps(out))
"""


def outcomes(python, directory, name, timeout):
    proc = subprocess.run(
        [python, "-c", RUNNER, name],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if not lines:
        return {"<module>": f"crashed (exit {proc.returncode}): {proc.stderr[-300:]}"}
    return json.loads(lines[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pyexplain")
    ap.add_argument("--python", default="python3")
    ap.add_argument("--unsafe-fixes", action="store_true")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--all", action="store_true", help="run modules the fixes leave unchanged too")
    args = ap.parse_args()
    testdir = subprocess.run(
        [args.python, "-c", "import os, test; print(os.path.dirname(test.__file__))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    totals = {"modules": 0, "files changed": 0, "fixes applied": 0, "tests": 0, "tests changed": 0}
    changed_tests = []
    with tempfile.TemporaryDirectory() as tmp:
        for rel in MODULES:
            src = os.path.join(testdir, rel + ".py")
            if not os.path.exists(src):
                continue
            name = os.path.basename(rel)
            before_dir = os.path.join(tmp, "before", name)
            after_dir = os.path.join(tmp, "after", name)
            os.makedirs(before_dir)
            os.makedirs(after_dir)
            shutil.copy(src, before_dir)
            shutil.copy(src, after_dir)
            target = os.path.join(after_dir, name + ".py")
            cmd = [args.pyexplain, "check", "--fix", "--format", "json", target]
            if args.unsafe_fixes:
                cmd.insert(3, "--unsafe-fixes")
            subprocess.run(cmd, capture_output=True, text=True)
            with open(src, encoding="utf-8") as f1, open(target, encoding="utf-8") as f2:
                original, fixed = f1.read(), f2.read()
            totals["modules"] += 1
            if original == fixed and not args.all:
                continue
            totals["files changed"] += 1
            # Count the fixes as the changed lines (a fix edits one place).
            import difflib
            totals["fixes applied"] += sum(
                1 for l in difflib.unified_diff(original.splitlines(), fixed.splitlines(), n=0)
                if l.startswith("@@")
            )
            before = outcomes(args.python, before_dir, name, args.timeout)
            after = outcomes(args.python, after_dir, name, args.timeout)
            totals["tests"] += len(before)
            for test in sorted(set(before) | set(after)):
                if before.get(test) != after.get(test):
                    totals["tests changed"] += 1
                    changed_tests.append(f"{test}: {before.get(test)} -> {after.get(test)}")
    kind = "safe and unsafe fixes" if args.unsafe_fixes else "safe fixes"
    print(f"{kind}: " + ", ".join(f"{v} {k}" for k, v in totals.items()))
    for line in changed_tests:
        print("  " + line)
    if not args.unsafe_fixes and changed_tests:
        print("a safe fix changed the outcome of a test", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
