#!/usr/bin/env python3
"""Run every ```python block of the given markdown files on every Python we
promise (3.8-3.13) that this machine has, and check each block's output.

Used by the test suite (tests/knowledge.rs) and by anyone writing notes:

    python3 tests/support/run_examples.py knowledge/en/ch12.md knowledge/zh/ch12.md

The syntax is documented in knowledge/README.md ("Code examples run"). In short:
- a block runs on its own, in a fresh temporary directory, with a timeout,
  with `-X utf8 -W default` (so deprecation and resource warnings show);
- `# Python 3.11+` or `# Python 3.8–3.10` as its first line: the block runs
  only on those versions; without it, it must pass on all of them;
- `# pip install NAME` among its first lines: it needs that package and runs
  where `import NAME` works (reported as skipped elsewhere);
- `# -> text` comments: stdout, one line per comment, in order;
  `# 3.11+ -> text` or `# 3.8–3.10 -> text`: that line only on those versions;
- otherwise a ```text block directly after it: stdout must equal it;
- `...` in an expected line matches any text;
- stderr must be empty, unless the block has `# stderr: text` comments (also
  with a range, `# 3.12+ stderr: text`): then each text must appear in it;
- the exit status must be 0.

Interpreters: the one running this script, `python3`, `python3.8` ...
`python3.13` on PATH and pyenv's `versions/3.X.*/bin/python3.X`, each version
once (the first found wins, so the running interpreter keeps its packages);
versions outside 3.8-3.13 only when it is the running interpreter or
`python3`. `PYEXPLAIN_EXAMPLE_PYTHONS` (paths separated by `os.pathsep`)
replaces the search.

Output: one line per failure, `path:line [3.9.18]: what`, then a summary:
`interpreters: 3.11.7 (aiohttp), 3.8.18, ...` and `N passed, M failed, K skipped`
(a pass or failure counts once per block and interpreter).
Exit status: 0 all blocks pass, 1 some failed, 2 usage error.
"""
import glob
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize
from concurrent.futures import ThreadPoolExecutor

TIMEOUT = float(os.environ.get("PYEXPLAIN_EXAMPLE_TIMEOUT", "30"))
PROMISED = [(3, minor) for minor in range(8, 14)]
FENCE = re.compile(r"^```(\w*)\s*$")
VERSION = r"\d+\.\d+(?:\.\d+)?"
# `3.11+`, `3.8–3.10` (en dash or hyphen), `3.12`
RANGE = rf"{VERSION}(?:\+|\s*[–-]\s*{VERSION})?"
DECLARATION = re.compile(rf"^#\s*Python\s+({RANGE})\s*$")
REQUIRES = re.compile(r"^#\s*pip install\s+([A-Za-z0-9_.\-]+)\s*$")
ARROW = re.compile(rf"#\s*(?:({RANGE})\s+)?->\s?(.*)$")
STDERR = re.compile(rf"#\s*(?:({RANGE})\s+)?stderr:\s?(.*)$")


def parse_version(text):
    return tuple(int(p) for p in text.split("."))


class Range:
    """A version range: `3.11+`, `3.8–3.10`, `3.12`, `3.10.9+`; None = all."""

    def __init__(self, text):
        self.text = text
        if text.endswith("+"):
            self.low, self.high = parse_version(text[:-1]), None
        else:
            parts = re.split(r"\s*[–-]\s*", text)
            self.low = parse_version(parts[0])
            self.high = parse_version(parts[-1])

    def __contains__(self, version):
        # `3.10` as an upper bound includes every 3.10.x.
        if version[: len(self.low)] < self.low:
            return False
        return self.high is None or version[: len(self.high)] <= self.high

    def __repr__(self):
        return self.text


def in_range(text, version):
    return text is None or version in Range(text)


class Block:
    def __init__(self, path, line, code, arrows, text_output):
        self.path, self.line, self.code = path, line, code
        lines = code.splitlines()
        first = lines[0].strip() if lines else ""
        m = DECLARATION.match(first)
        self.declared = m.group(1) if m else None
        self.requires = [
            r.group(1) for l in lines[:3] if (r := REQUIRES.match(l.strip()))
        ]
        self.arrows = arrows  # [(range or None, text)]
        self.text_output = text_output  # [str] or None
        self.stderr = [
            (m.group(1), m.group(2).rstrip())
            for l in lines
            if (m := STDERR.search(l)) and not ARROW.search(l)
        ]

    def expected(self, version):
        """The expected stdout lines on `version`, or None (not checked)."""
        if self.arrows:
            return [t for r, t in self.arrows if in_range(r, version)]
        return self.text_output

    def key(self):
        """Blocks with the same key behave the same on one interpreter: the
        code without its comments, and what is expected of it."""
        try:
            tokens = [
                (t.type, t.string)
                for t in tokenize.generate_tokens(io.StringIO(self.code).readline)
                if t.type not in (tokenize.COMMENT, tokenize.NL)
            ]
            code = repr(tokens)
        except (tokenize.TokenError, SyntaxError, IndentationError):
            code = self.code
        return (code, self.declared, tuple(self.requires), tuple(self.arrows),
                tuple(self.text_output or ()), tuple(self.stderr))


def blocks(path, text):
    """The python blocks of a markdown file, with what they must print."""
    lines = text.splitlines()
    found = []  # (lang, first body line index, body lines, end index)
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        lang, start = m.group(1), i + 1
        j = start
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        found.append((lang, start, lines[start:j], j))
        i = j + 1
    out = []
    for k, (lang, start, body, end) in enumerate(found):
        if lang != "python":
            continue
        arrows = [
            (m.group(1), m.group(2).rstrip())
            for line in body
            if (m := ARROW.search(line))
        ]
        text_output = None
        if not arrows and k + 1 < len(found) and found[k + 1][0] == "text":
            # the text block must follow directly (blank lines allowed)
            between = lines[end + 1 : found[k + 1][1] - 1]
            if all(not b.strip() for b in between):
                text_output = [l.rstrip() for l in found[k + 1][2]]
                while text_output and text_output[-1] == "":
                    text_output.pop()
        out.append(Block(path, start, "\n".join(body) + "\n", arrows, text_output))
    return out


def matches(expected, actual):
    if "..." not in expected:
        return expected == actual
    parts = expected.split("...")
    pattern = ".*".join(re.escape(p) for p in parts)
    return re.fullmatch(pattern, actual, re.S) is not None


class Interpreter:
    def __init__(self, path, version, packages):
        self.path, self.version, self.packages = path, version, packages

    @property
    def name(self):
        return ".".join(map(str, self.version))


PROBE = (
    "import sys, importlib.util as u; print('.'.join(map(str, sys.version_info[:3])));"
    "print(*[n for n in ('aiohttp',) if u.find_spec(n)])"
)


def probe(path):
    try:
        proc = subprocess.run(
            [path, "-c", PROBE], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = proc.stdout.split("\n")
    if proc.returncode != 0 or not re.fullmatch(r"\d+\.\d+\.\d+", out[0]):
        return None  # e.g. a pyenv shim for a version that is not selected
    return Interpreter(path, parse_version(out[0]), out[1].split())


def interpreters():
    override = os.environ.get("PYEXPLAIN_EXAMPLE_PYTHONS")
    if override:
        paths = [p for p in override.split(os.pathsep) if p]
        defaults = set(paths)
    else:
        python3 = shutil.which("python3")
        defaults = {sys.executable, python3}
        paths = [sys.executable, python3]
        pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
        for major, minor in PROMISED:
            name = f"python{major}.{minor}"
            paths.append(shutil.which(name))
            pattern = os.path.join(pyenv, "versions", f"{major}.{minor}.*", "bin", name)
            paths.extend(sorted(glob.glob(pattern)))
    found, seen = [], set()
    for path in paths:
        if not path:
            continue
        interp = probe(path)
        if interp is None or interp.version in seen:
            continue
        if interp.version[:2] not in PROMISED and path not in defaults:
            continue
        seen.add(interp.version)
        found.append(interp)
    return found


def run(block, interp):
    """None if the block passes on `interp`, else a message."""
    with tempfile.TemporaryDirectory() as tmp:
        # Run as a script, the way a learner runs a file: a "spawn" child
        # can import the main module again to find its functions.
        script = os.path.join(tmp, "example.py")
        with open(script, "w", encoding="utf-8") as f:
            f.write(block.code)
        try:
            proc = subprocess.run(
                [interp.path, "-X", "utf8", "-W", "default", script],
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                env={**os.environ, "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"},
            )
        except subprocess.TimeoutExpired:
            return f"timed out after {TIMEOUT}s"
    if proc.returncode != 0:
        return f"exit {proc.returncode}\n{proc.stderr.strip()}"
    stderr = [t for r, t in block.stderr if in_range(r, interp.version)]
    if stderr:
        missing = [t for t in stderr if not matches(f"...{t}...", proc.stderr)]
        if missing:
            return f"stderr lacks {missing!r}\n{proc.stderr.strip()}"
    elif proc.stderr.strip():
        return f"unexpected stderr (declare it with `# stderr: ...`)\n{proc.stderr.strip()}"
    expected = block.expected(interp.version)
    if expected is None:
        return None
    actual = [l.rstrip() for l in proc.stdout.splitlines()]
    if len(actual) != len(expected) or not all(
        matches(e, a) for e, a in zip(expected, actual)
    ):
        return f"output differs\n  expected: {expected!r}\n  actual:   {actual!r}"
    return None


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__, file=sys.stderr)
        return 2
    interps = interpreters()
    all_blocks = []
    for path in argv:
        with open(path, encoding="utf-8") as f:
            all_blocks.extend(blocks(path, f.read()))
    # One job per (distinct block, interpreter); identical blocks (the en
    # and zh copies of an example) run once.
    jobs, skipped, never_run = {}, [], []
    for block in all_blocks:
        ran = False
        for interp in interps:
            if not in_range(block.declared, interp.version):
                continue
            missing = [p for p in block.requires if p not in interp.packages]
            if missing:
                skipped.append((block, interp, missing))
                continue
            ran = True
            jobs.setdefault((block.key(), interp.path), (block, interp))
        if not ran:
            never_run.append(block)
    workers = int(os.environ.get("PYEXPLAIN_EXAMPLE_JOBS", "0")) or (os.cpu_count() or 1) + 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = dict(
            zip(jobs, pool.map(lambda job: run(*job), jobs.values()))
        )
    failures, passed = [], 0
    for block in all_blocks:
        for interp in interps:
            key = (block.key(), interp.path)
            if key not in results:
                continue
            err = results[key]
            if err:
                failures.append(f"{block.path}:{block.line} [{interp.name}]: {err}")
            else:
                passed += 1
    # A block that runs nowhere only because a package is missing is a
    # visible skip for a plain `cargo test`, and a failure where the test
    # environment is required (`scripts/test` sets PYEXPLAIN_REQUIRE_EXTERNAL).
    required = os.environ.get("PYEXPLAIN_REQUIRE_EXTERNAL", "") not in ("", "0")
    for block in never_run:
        in_range_somewhere = any(in_range(block.declared, i.version) for i in interps)
        if block.requires and in_range_somewhere and not required:
            print(
                f"SKIPPED: {block.path}:{block.line} runs nowhere here: no interpreter has"
                f" {' '.join(block.requires)} (./scripts/test installs it)"
            )
            continue
        failures.append(
            f"{block.path}:{block.line}: runs on no interpreter here"
            f" (Python {block.declared or 'any'}, needs {block.requires or 'nothing'})"
        )
    for f in failures:
        print(f, file=sys.stderr)
    names = ", ".join(
        interp.name + (f" ({' '.join(interp.packages)})" if interp.packages else "")
        for interp in interps
    )
    print(f"interpreters: {names}")
    for block, interp, missing in skipped:
        print(f"skipped: {block.path}:{block.line} on {interp.name} (no {' '.join(missing)})")
    print(f"{passed} passed, {len(failures)} failed, {len(skipped)} skipped")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
