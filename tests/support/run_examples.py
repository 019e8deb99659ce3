#!/usr/bin/env python3
"""Run every ```python block of the given markdown notes and check its output.

Used by the test suite (tests/knowledge.rs) and by anyone writing notes:

    python3 tests/support/run_examples.py knowledge/en/ch12.md knowledge/zh/ch12.md

Rules (documented in knowledge/README.md):
- each ```python block is run on its own with the interpreter running this
  script (`sys.executable`), in a fresh temporary directory, with a timeout;
- if the block has `# -> expected` comments, the stdout lines must equal the
  expected values, in order, one output line per comment;
- else, if the block is directly followed by a ```text block, stdout must
  equal that block's text;
- `...` inside an expected line matches any text (for addresses, timings);
- the exit status must be 0 either way;
- a block whose first line is `# Python 3.N+` needs that version: on an
  older interpreter it is skipped (and counted as such).
Exit status: 0 all blocks pass, 1 some failed, 2 usage error.
"""
import os
import re
import subprocess
import sys
import tempfile

TIMEOUT = float(os.environ.get("PYEXPLAIN_EXAMPLE_TIMEOUT", "20"))
NEEDS = re.compile(r"^#\s*Python\s+3\.(\d+)\+")
FENCE = re.compile(r"^```(\w*)\s*$")
ARROW = re.compile(r"#\s*->\s?(.*)$")


def blocks(text):
    """Yield (line_number, code, expected_lines_or_None) for each python block."""
    lines = text.splitlines()
    i = 0
    found = []
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        lang, start = m.group(1), i + 1
        j = start
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        found.append((lang, start, lines[start:j]))
        i = j + 1
    for k, (lang, start, body) in enumerate(found):
        if lang != "python":
            continue
        arrows = [m.group(1).rstrip() for line in body if (m := ARROW.search(line))]
        expected = None
        if arrows:
            expected = arrows
        elif k + 1 < len(found) and found[k + 1][0] == "text":
            # the text block must follow directly (blank lines allowed)
            nxt_start = found[k + 1][1]
            between = text.splitlines()[start + len(body) + 1 : nxt_start - 1]
            if all(not b.strip() for b in between):
                expected = [l.rstrip() for l in found[k + 1][2]]
        yield start, "\n".join(body) + "\n", expected


def matches(expected, actual):
    if "..." not in expected:
        return expected == actual
    parts = expected.split("...")
    pattern = ".*".join(re.escape(p) for p in parts)
    return re.fullmatch(pattern, actual, re.S) is not None


def run(path, start, code, expected):
    with tempfile.TemporaryDirectory() as tmp:
        try:
            proc = subprocess.run(
                [sys.executable, "-X", "utf8", "-c", code],
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                env={**os.environ, "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"},
            )
        except subprocess.TimeoutExpired:
            return f"{path}:{start}: timed out after {TIMEOUT}s"
    if proc.returncode != 0:
        return f"{path}:{start}: exit {proc.returncode}\n{proc.stderr.strip()}"
    if expected is None:
        return None
    actual = [l.rstrip() for l in proc.stdout.splitlines()]
    while expected and expected[-1] == "":
        expected = expected[:-1]
    if len(actual) != len(expected) or not all(matches(e, a) for e, a in zip(expected, actual)):
        return (
            f"{path}:{start}: output differs\n  expected: {expected!r}\n  actual:   {actual!r}"
        )
    return None


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    failures, count, skipped = [], 0, 0
    for path in argv:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for start, code, expected in blocks(text):
            needs = NEEDS.match(code)
            if needs and sys.version_info < (3, int(needs.group(1))):
                skipped += 1
                continue
            count += 1
            err = run(path, start, code, expected)
            if err:
                failures.append(err)
    for f in failures:
        print(f, file=sys.stderr)
    print(f"{count - len(failures)} passed, {len(failures)} failed, {skipped} skipped (need a newer Python)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
