#!/usr/bin/env python3
"""How far pyexplain's rules agree with their ruff equivalents on the Python
standard library.

Runs `pyexplain check --format json` and `ruff check --output-format json`
(the same rules as bench/run.sh) over the corpus and prints, for each rule
pair, the findings of each tool, those both report (same file, same start
line), those only one reports, and a few examples of each disagreement.
Rules that `pyexplain rule` does not list are skipped.

    bench/.venv/bin/python bench/agreement.py [--corpus DIR] [--examples N]

Without --corpus the standard library is copied to a temporary directory
(bench/corpus.sh). Without bench/.venv or the release binary, bench/setup.sh
runs first. Standard library only.
"""

import argparse
import collections
import json
import os
import pathlib
import subprocess
import sys
import tempfile

BENCH = pathlib.Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
from bench import RULE_PAIRS, RUFF_ARGS, our_rules  # noqa: E402


def run_json(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit("agreement: %s exited %d:\n%s" % (
            " ".join(cmd), proc.returncode, proc.stderr[-2000:]))
    return json.loads(proc.stdout or "[]")


def source_line(corpus, rel, line, cache={}):
    if rel not in cache:
        try:
            cache[rel] = (corpus / rel).read_bytes().decode(
                "utf-8", "replace").splitlines()
        except OSError:
            cache[rel] = []
    lines = cache[rel]
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return text if len(text) <= 100 else text[:97] + "..."


def compare(corpus, pyexplain, ruff, n_examples):
    rules = our_rules(pyexplain)
    pairs = [(o, r) for o, r in RULE_PAIRS if o in rules]
    skipped = [(o, r) for o, r in RULE_PAIRS if o not in rules]
    if not pairs:
        sys.exit("agreement: none of the rules has a peer yet")
    ours_json = run_json([pyexplain, "check", "--format", "json", "--select",
                          ",".join(o for o, _ in pairs), str(corpus)])
    ruff_select = ",".join(r for _, r in pairs)
    args = list(RUFF_ARGS)
    args[args.index("--select") + 1] = ruff_select
    ruff_json = run_json([ruff] + args + ["--output-format", "json",
                                          str(corpus)])

    def rel(path):
        return os.path.relpath(path, corpus)

    # rule -> Counter of (file, line); and the messages, for the examples.
    ours, ruffs = collections.defaultdict(collections.Counter), \
        collections.defaultdict(collections.Counter)
    messages = {}
    for d in ours_json:
        key = (rel(d["file"]), d["range"]["start"]["line"])
        ours[d["rule"]][key] += 1
        messages.setdefault(("ours", d["rule"], key), d["message"])
    syntax_files = set()
    for d in ruff_json:
        f = rel(d["filename"])
        if d.get("code") in (None, "invalid-syntax", "E999"):
            syntax_files.add(f)
            continue
        key = (f, d["location"]["row"])
        ruffs[d["code"]][key] += 1
        messages.setdefault(("ruff", d["code"], key), d["message"])

    rows, details = [], []
    for o, r in pairs:
        a, b = ours[o], ruffs[r]
        both = a & b
        only_a, only_b = a - b, b - a
        n_a, n_b, n_both = sum(a.values()), sum(b.values()), \
            sum(both.values())
        union = n_a + n_b - n_both
        rows.append((o, r, n_a, n_b, n_both, sum(only_a.values()),
                     sum(only_b.values()),
                     "%.0f %%" % (100 * n_both / union) if union else "–"))
        sections = []
        for label, only, who, rule in (("only pyexplain", only_a, "ours", o),
                                       ("only ruff", only_b, "ruff", r)):
            if not only:
                continue
            lines = ["%s (%d):" % (label, sum(only.values()))]
            for key in sorted(only)[:n_examples]:
                f, line = key
                mark = "  [ruff: syntax error in file]" \
                    if f in syntax_files else ""
                lines.append("  %s:%d: %s%s" % (f, line,
                                                source_line(corpus, f, line),
                                                mark))
                lines.append("      %s" % messages[(who, rule, key)]
                             .splitlines()[0][:160])
            sections.append("\n".join(lines))
        if sections:
            details.append("### %s / %s\n\n```text\n%s\n```" % (
                o, r, "\n".join(sections)))
    return rows, details, skipped, syntax_files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=pathlib.Path,
                    help="directory to check (default: a copy of the stdlib)")
    ap.add_argument("--pyexplain", default=str(
        pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
        / "release" / "pyexplain"))
    ap.add_argument("--ruff", default=str(BENCH / ".venv" / "bin" / "ruff"))
    ap.add_argument("--examples", type=int, default=3,
                    help="examples of each disagreement (default 3)")
    ap.add_argument("--out", type=pathlib.Path,
                    help="also write the report here")
    args = ap.parse_args()
    if not (os.access(args.pyexplain, os.X_OK)
            and os.access(args.ruff, os.X_OK)):
        subprocess.run([str(BENCH / "setup.sh")], check=True)
    with tempfile.TemporaryDirectory(prefix="pyexplain-agreement.") as tmp:
        corpus = args.corpus
        if corpus is None:
            corpus = pathlib.Path(tmp) / "corpus"
            subprocess.run([str(BENCH / "corpus.sh"), str(corpus)],
                           check=True)
        corpus = corpus.resolve()
        n_files = sum(1 for _ in corpus.rglob("*.py"))
        rows, details, skipped, syntax_files = compare(
            corpus, args.pyexplain, args.ruff, args.examples)
    ruff_version = subprocess.run([args.ruff, "--version"],
                                  capture_output=True,
                                  text=True).stdout.strip()
    out = []
    w = out.append
    w("# pyexplain check vs %s: agreement" % ruff_version)
    w("")
    w("Corpus: %s (%d files). A finding agrees when both tools report it "
      "in the same file on the same start line." % (
          "the Python standard library" if args.corpus is None
          else args.corpus, n_files))
    w("")
    w("| pyexplain rule | ruff | pyexplain | ruff | both | only pyexplain "
      "| only ruff | both / either |")
    w("|---|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        w("| %s | %s | %d | %d | %d | %d | %d | %s |" % row)
    w("")
    if skipped:
        w("Skipped (not listed by `pyexplain rule`): %s." % ", ".join(
            "%s / %s" % p for p in skipped))
        w("")
    w("ruff reported a syntax error in %d files; those errors are not "
      "counted (ruff still applies its rules to the rest of such a file)."
      % len(syntax_files))
    w("")
    if details:
        w("## Disagreements (up to %d examples each)" % args.examples)
        w("")
        w("\n\n".join(details))
        w("")
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
