#!/usr/bin/env python3
"""How pyexplain's hovers behave on real code nobody here wrote.

Drives `pyexplain server` over LSP (bench/lspclient.py) on stdlib modules
with advanced Python (socketserver, asyncio, concurrent.futures, threading,
queue, selectors, contextlib, weakref), hovers at the start of every token,
and reports:

- how many distinct hover sites answer (per 100 lines), and how long hovers are;
- how many carry a sentence about the code (the model's answer), and how
  many of those say the model cannot tell ("cannot follow", "cannot be told");
- a seeded random sample of sentences with their code line, written to
  bench/hover-sample.md for checking by hand (the README reports the check);
- per `hover.level` (core, usage, everyday): sites per 100 lines, median and
  p90 length of a full hover, and ranges two tokens answer with different
  sections; then the default settings as a learner walking through the files
  sees them (a section's later hovers brief).

    bench/hover_quality.py [--python ~/.pyenv/versions/3.13.0/bin/python3.13]
                           [--server target/release/pyexplain] [--sample 60]
                           [--modules queue.py,selectors.py] [--root DIR] [--check]

Standard library only; the stdlib read is the one of the given Python.
"""

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tokenize
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lspclient import LspClient, read_source, utf16_len  # noqa: E402

MODULES = [
    "socketserver.py", "asyncio", "concurrent/futures", "threading.py",
    "queue.py", "selectors.py", "contextlib.py", "weakref.py",
]
CANNOT = ("cannot follow", "cannot be told", "cannot tell")


def stdlib_dir(python):
    out = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
        capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def files_of(root):
    out = []
    for m in MODULES:
        p = root / m
        if p.is_dir():
            out.extend(sorted(p.glob("*.py")))
        elif p.exists():
            out.append(p)
    return out


def token_starts(text):
    """(line, utf-16 column, token) of every name, keyword and operator."""
    lines = text.splitlines(keepends=True)
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type not in (tokenize.NAME, tokenize.OP):
                continue
            row, col = tok.start
            line = lines[row - 1] if row - 1 < len(lines) else ""
            out.append((row - 1, utf16_len(line[:col]), tok.string))
    except (tokenize.TokenError, SyntaxError):
        pass
    return out


def note_summaries(server):
    """First paragraph of every note (what a hover without a sentence shows
    after its title), by section."""
    out = {}
    listing = subprocess.run([server, "notes"], capture_output=True, text=True,
                             check=True).stdout
    for line in listing.splitlines():
        if not line.startswith("§"):
            continue
        section = line.split()[0].lstrip("§")
        note = subprocess.run([server, "note", section, "--format", "json", "--lang", "en"],
                              capture_output=True, text=True)
        if note.returncode != 0:
            continue
        paras = json.loads(note.stdout).get("markdown", "").strip().split("\n\n")
        if len(paras) > 1:
            out[section] = paras[1].strip()
    return out


def sweep(server, root, files, summaries, init):
    """Hovers every token of `files` with the settings `init`: the distinct
    sites, the probes made, and the ranges answered with two sections."""
    client = LspClient([server, "server"], cwd=str(root))
    client.initialize(root, init)
    # Until its triggers are compiled (one log line says when) the server
    # answers hovers from what is ready: sweep the steady state.
    t, _ = client.wait_notification(
        "window/logMessage",
        lambda p: p and str(p.get("message", "")).startswith("pyexplain: notes ready"),
        timeout=60)
    if t is None:
        raise SystemExit("hover_quality: no 'pyexplain: notes ready' log line")
    sites = {}
    probes = 0
    by_range = {}
    for f in files:
        text = read_source(f)
        uri = f.as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}})
        src_lines = text.splitlines()
        for line, col, tok in token_starts(text):
            probes += 1
            resp, _ = client.request("textDocument/hover", {
                "textDocument": {"uri": uri},
                "position": {"line": line, "character": col}})
            res = resp.get("result")
            if not res or not res.get("contents"):
                continue
            md = res["contents"]["value"] if isinstance(res["contents"], dict) else str(res["contents"])
            r = res.get("range") or {"start": {"line": line, "character": col},
                                     "end": {"line": line, "character": col}}
            title = md.split("\n", 1)[0]
            section = title.strip("*").split()[0].lstrip("§")
            span = (str(f.relative_to(root)), r["start"]["line"], r["start"]["character"],
                    r["end"]["line"], r["end"]["character"])
            by_range.setdefault(span, set()).add(section)
            key = (str(f.relative_to(root)), r["start"]["line"], r["start"]["character"], title)
            if key in sites:
                continue
            paras = md.split("\n\n")
            second = paras[1].strip() if len(paras) > 1 else ""
            sentence = None if second == summaries.get(section) else second
            sites[key] = {
                "file": key[0], "line": r["start"]["line"] + 1, "token": tok,
                "section": section, "title": title, "length": len(md),
                "sentence": sentence,
                "code": src_lines[r["start"]["line"]].strip()
                if r["start"]["line"] < len(src_lines) else "",
            }
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    client.close()
    disagreements = [k for k, v in by_range.items() if len(v) > 1]
    return list(sites.values()), probes, disagreements


def lengths_of(sites):
    lengths = sorted(s["length"] for s in sites)
    if not lengths:
        return 0, 0
    return statistics.median(lengths), lengths[min(len(lengths) - 1, int(0.9 * len(lengths)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=os.path.expanduser(
        "~/.pyenv/versions/3.13.0/bin/python3.13"))
    ap.add_argument("--server", default="target/release/pyexplain")
    ap.add_argument("--modules", help="comma-separated stdlib paths instead of the default set")
    ap.add_argument("--root", help="read the modules under this directory instead of the stdlib "
                                   "(code nobody here wrote, such as a fetched repository)")
    ap.add_argument("--sample", type=int, default=60)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--out", default="bench/hover-sample.md")
    ap.add_argument("--dump", help="write every site (level everyday) as JSON lines here")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless the relevance targets hold (sites per 100 lines at "
                         "usage <= 15 and at core <= 8, median hover <= 700 characters with "
                         "the defaults and for a full hover at usage, no disagreement)")
    args = ap.parse_args()
    if not Path(args.python).exists():
        args.python = sys.executable
    server = str(Path(args.server).resolve())
    root = Path(args.root).resolve() if args.root else stdlib_dir(args.python)
    if args.modules:
        MODULES[:] = args.modules.split(",")
    files = files_of(root)
    summaries = note_summaries(server)
    lines_total = sum(read_source(f).count("\n") for f in files)

    per_level = {}
    everyday = []
    disagreements = []
    probes = 0
    for level in ("core", "usage", "everyday"):
        init = {"language": "en", "hover": {"level": level, "repeat": "full"}}
        sites, probes, dis = sweep(server, root, files, summaries, init)
        median, p90 = lengths_of(sites)
        per_level[level] = {
            "sites": len(sites),
            "sites_per_100_lines": round(100 * len(sites) / max(lines_total, 1), 1),
            "median_full_hover_chars": median,
            "p90_full_hover_chars": p90,
            "disagreements": len(dis),
        }
        if level == "everyday":
            everyday = sites
        disagreements.extend((level, d) for d in dis)
    # As a learner walking through the files sees them: the defaults, a
    # section's later hovers brief.
    walked, _, _ = sweep(server, root, files, summaries, {"language": "en"})
    median, p90 = lengths_of(walked)

    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            for s in everyday:
                out.write(json.dumps(s) + "\n")
    with_sentence = [s for s in everyday if s["sentence"]]
    cannot = [s for s in with_sentence if any(c in s["sentence"] for c in CANNOT)]
    report = {
        "python": args.python,
        "files": len(files),
        "lines": lines_total,
        "probes_per_level": probes,
        "levels": per_level,
        "default_settings": {"sites": len(walked), "median_hover_chars": median,
                             "p90_hover_chars": p90},
        # Of every site (level everyday): the share each level adds.
        "share_of_sites_by_level_pct": {
            level: round(100 * (per_level[level]["sites"] - (per_level[below]["sites"] if below else 0))
                         / max(per_level["everyday"]["sites"], 1), 1)
            for level, below in (("core", None), ("usage", "core"), ("everyday", "usage"))
        },
        "everyday_with_sentence_pct": round(100 * len(with_sentence) / max(len(everyday), 1), 1),
        "cannot_tell": len(cannot),
        "disagreement_examples": [list(d[1]) for d in disagreements[:5]],
    }
    rng = random.Random(args.seed)
    sample = rng.sample(with_sentence, min(args.sample, len(with_sentence)))
    sample.sort(key=lambda s: (s["file"], s["line"]))
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("# Hover sample for checking by hand\n\n")
        out.write("Written by `bench/hover_quality.py` (seed %d, level everyday).\n\n" % args.seed)
        for i, s in enumerate(sample, 1):
            out.write("%d. `%s:%d` — %s\n   - code: `%s`\n   - %s\n" % (
                i, s["file"], s["line"], s["title"], s["code"], s["sentence"]))
    per_section = {}
    for s in walked:
        per_section[s["section"]] = per_section.get(s["section"], 0) + 1
    report["top_sections_at_default"] = sorted(per_section.items(), key=lambda kv: -kv[1])[:12]
    print(json.dumps(report, indent=2))
    if args.check:
        bad = []
        if per_level["usage"]["sites_per_100_lines"] > 15:
            bad.append("more than 15 sites per 100 lines at the default level")
        if per_level["core"]["sites_per_100_lines"] > 8:
            bad.append("more than 8 sites per 100 lines at core")
        if median > 700:
            bad.append("median hover with the defaults above 700 characters")
        if per_level["usage"]["median_full_hover_chars"] > 700:
            bad.append("median full hover at the default level above 700 characters")
        if disagreements:
            bad.append("%d ranges answered with two sections" % len(disagreements))
        for b in bad:
            print("hover_quality: " + b, file=sys.stderr)
        sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
