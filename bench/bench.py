#!/usr/bin/env python3
"""The pyexplain benchmark: CLI check throughput against ruff, LSP latency and
memory against ruff's server, jedi-language-server and python-lsp-server
(pylsp), over the Python standard library.

Run through bench/run.sh, which prepares the venv, the release build and the
corpus; see bench/README.md. Standard library only (plus bench/lspclient.py).
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
import tokenize

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import lspclient  # noqa: E402
from lspclient import LspClient, LspError, pct, rss_sample, utf16_len  # noqa: E402

# Our rule -> the equivalent ruff rule (the pairs agreement.py compares).
RULE_PAIRS = [
    ("mutable-default-argument", "B006"),
    ("is-literal", "F632"),
    ("type-comparison", "E721"),
    ("jump-in-finally", "B012"),
    ("init-returns-value", "PLE0101"),
    ("blocking-call-in-async", "ASYNC251"),
    ("dangling-task", "RUF006"),
]
RUFF_SELECT = ",".join(code for _, code in RULE_PAIRS)
# `--exclude .git` replaces the default exclusions of both tools (the same
# list, which drops the stdlib's own `venv/` package), so that both check
# every file of the corpus; ruff's `--isolated` ignores every configuration
# file (the corpus has none for pyexplain to read).
EVERY_FILE = ["--exclude", ".git"]
RUFF_ARGS = ["check", "--no-cache", "--isolated"] + EVERY_FILE + [
             "--select", RUFF_SELECT]
CHEAPEST_RULE = "is-literal"


T_START = time.perf_counter()


def log(msg):
    print("bench [%4.0fs]: %s" % (time.perf_counter() - T_START, msg),
          file=sys.stderr, flush=True)


def ms(x):
    return None if x is None else x * 1000.0


def median_or_none(xs):
    return statistics.median(xs) if xs else None


def our_rules(pyexplain):
    """The rule ids `pyexplain rule` lists (first column)."""
    out = subprocess.run([pyexplain, "rule"], check=True,
                         capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


# -- CLI throughput ---------------------------------------------------------

def run_once(cmd, env):
    """Runs cmd with output discarded; returns (wall s, CPU s, peak RSS KiB,
    exit code, stderr tail). CPU and RSS come from wait4's rusage."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    return (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss,
            proc.returncode, err.decode("utf-8", "replace")[-1500:])


def time_command(cmd, env, runs, ok_codes=(0, 1)):
    """One untimed warm-up run (page cache), then `runs` timed runs."""
    samples = []
    for i in range(runs + 1):
        wall, cpu, rss, code, err = run_once(cmd, env)
        if code not in ok_codes:
            raise SystemExit("bench: %s exited %d:\n%s" %
                             (" ".join(cmd), code, err))
        if i > 0:
            samples.append((wall, cpu, rss))
    return {
        "wall_s": statistics.median(s[0] for s in samples),
        "cpu_s": statistics.median(s[1] for s in samples),
        "peak_rss_kib": max(s[2] for s in samples),
        "wall_all_s": [round(s[0], 4) for s in samples],
    }


def cli_bench(args, rules):
    corpus = str(args.corpus)
    present = [ours for ours, _ in RULE_PAIRS if ours in rules]
    floor_select = CHEAPEST_RULE if CHEAPEST_RULE in rules else rules[0]
    configs = [
        ("pyexplain", "pyexplain check (all %d rules)" % len(rules),
         [args.pyexplain, "check"] + EVERY_FILE + [corpus]),
    ]
    if present and len(present) != len(rules):
        configs.append(
            ("pyexplain-matched",
             "pyexplain check --select (the %d rules with a ruff peer)"
             % len(present),
             [args.pyexplain, "check", "--select", ",".join(present)]
             + EVERY_FILE + [corpus]))
    configs += [
        ("pyexplain-map", "pyexplain map (course map: every construct a "
         "hover explains)",
         [args.pyexplain, "map"] + EVERY_FILE + [corpus]),
        ("floor-rule", "pyexplain check --select %s (floor: read + parse + "
         "one tree walk)" % floor_select,
         [args.pyexplain, "check", "--select", floor_select] + EVERY_FILE
         + [corpus]),
        ("floor-parse", "pyexplain check --ignore <every rule> (floor: "
         "read + parse only)",
         [args.pyexplain, "check", "--ignore", ",".join(rules)] + EVERY_FILE
         + [corpus]),
        ("ruff", "ruff check --select %s (%d rules)"
         % (RUFF_SELECT, len(RULE_PAIRS)),
         [args.ruff] + RUFF_ARGS + [corpus]),
    ]
    base_env = {k: v for k, v in os.environ.items()
                if k != "RAYON_NUM_THREADS"}
    one_env = dict(base_env, RAYON_NUM_THREADS="1")
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    results = []
    for key, label, cmd in configs:
        for threads, env, prefix in (("all", base_env, []),
                                     ("1", one_env, pin)):
            log("timing %s, %s thread(s), %d runs" % (label, threads,
                                                     args.runs))
            r = time_command(prefix + cmd, env, args.runs)
            r.update(key=key, label=label, threads=threads,
                     cmd=" ".join(prefix + cmd).replace(corpus, "<corpus>"))
            results.append(r)
    return {"configs": results, "one_thread_pinning":
            "RAYON_NUM_THREADS=1" + (" + taskset -c 0" if pin else "")}


# -- LSP ----------------------------------------------------------------------

def name_positions(text):
    """LSP positions (0-based line, UTF-16 column) of the middle character of
    every identifier and keyword (tokenize NAME tokens)."""
    lines = text.splitlines(keepends=True)
    out = []
    try:
        for tok in tokenize.generate_tokens(iter(lines).__next__):
            if tok.type != tokenize.NAME or tok.start[0] != tok.end[0]:
                continue
            row, col = tok.start[0] - 1, tok.start[1] + len(tok.string) // 2
            out.append((row, utf16_len(lines[row][:col])))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    return out


def pick_hover_files(corpus, count, min_names):
    """The `count` largest files (bytes) with at least `min_names` NAME
    tokens: pydoc_data/topics.py, the largest, is one big dict of strings."""
    files = sorted(corpus.rglob("*.py"), key=lambda p: p.stat().st_size,
                   reverse=True)
    chosen, skipped = [], []
    for f in files:
        if len(chosen) == count:
            break
        try:
            text = lspclient.read_source(f)
        except (SyntaxError, UnicodeDecodeError, LookupError):
            continue
        positions = name_positions(text)
        if len(positions) < min_names:
            skipped.append(str(f.relative_to(corpus)))
            continue
        chosen.append((f, text, positions))
    return chosen, skipped


# What each server is measured on: every server on what it does; a peer on
# the measures it is the reference for.
ALL_MEASURES = ("initialize", "hover", "edit", "rss")


class Server:
    def __init__(self, name, cmd, init_options, measures=ALL_MEASURES):
        self.name, self.cmd, self.init_options = name, cmd, init_options
        self.measures = measures

    def start(self, root):
        client = LspClient(self.cmd, cwd=str(root))
        try:
            result, init_ms = client.initialize(root, self.init_options)
        except LspError as e:
            client.close()
            raise SystemExit("bench: %s: %s\n%s" % (self.name, e,
                                                    client.stderr_tail()))
        return client, result, init_ms


def open_doc(client, path, text, timeout):
    """didOpen; waits for the first publishDiagnostics of the file. Returns
    (uri, ms from didOpen to it, or None on timeout)."""
    uri = path.as_uri()
    start = len(client.notifications)
    t0 = time.perf_counter()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": text}})
    t, _ = client.wait_notification(
        "textDocument/publishDiagnostics",
        lambda p: p and p.get("uri") == uri, start=start, timeout=timeout)
    return uri, None if t is None else ms(t - t0)


def hover(client, uri, pos, timeout):
    resp, lat = client.request("textDocument/hover", {
        "textDocument": {"uri": uri},
        "position": {"line": pos[0], "character": pos[1]}}, timeout=timeout)
    if "error" in resp:
        return lat, None, resp["error"]
    res = resp.get("result")
    return lat, bool(res and res.get("contents")), None


def measure_initialize(server, root, n):
    times, exited = [], []
    for _ in range(n):
        client, _, init_ms = server.start(root)
        times.append(init_ms)
        exited.append(client.close()["exited_on_exit"])
    return {"median_ms": statistics.median(times), "min_ms": min(times),
            "all_ms": [round(t, 2) for t in times],
            "sessions": len(exited), "exited_on_exit": sum(exited)}


def measure_hovers(server, root, files, per_file, seed, timeout):
    client, _, _ = server.start(root)
    per = []
    all_lat = []
    nonempty = errors = 0
    session_first = ready = None
    try:
        for path, text, positions in files:
            rel = str(path.relative_to(root))
            rng = random.Random("%s:%s" % (seed, rel))
            sample = rng.sample(positions, min(per_file, len(positions)))
            uri, diag_ms = open_doc(client, path, text, timeout)
            first, _, _ = hover(client, uri, sample[0], timeout)
            if session_first is None:
                session_first = ms(first)
                ready = ms(time.perf_counter() - client.t_spawn)
                # pyexplain answers without the notes until its triggers are
                # compiled (one log line says when): the steady-state hovers
                # are measured after that.
                client.wait_notification(
                    "window/logMessage",
                    lambda p: p and str(p.get("message", "")).startswith(
                        "pyexplain: notes ready"),
                    timeout=timeout if server.name == "pyexplain" else 0)
            lats = []
            for pos in sample:
                lat, hit, err = hover(client, uri, pos, timeout)
                lats.append(ms(lat))
                nonempty += bool(hit)
                errors += err is not None
            client.notify("textDocument/didClose",
                          {"textDocument": {"uri": uri}})
            all_lat.extend(lats)
            per.append({"file": rel, "kib": path.stat().st_size / 1024,
                        "lines": text.count("\n"), "hovers": len(lats),
                        "open_to_diagnostics_ms": diag_ms,
                        "first_hover_ms": ms(first),
                        "median_ms": statistics.median(lats),
                        "p99_ms": pct(lats, 0.99)})
    finally:
        close = client.close()
    return {"count": len(all_lat),
            "median_ms": statistics.median(all_lat),
            "p90_ms": pct(all_lat, 0.90),
            "p99_ms": pct(all_lat, 0.99),
            "max_ms": max(all_lat),
            "nonempty_pct": 100.0 * nonempty / len(all_lat),
            "errors": errors,
            "session_first_hover_ms": session_first,
            "spawn_to_first_hover_ms": ready,
            "open_to_diagnostics_median_ms": median_or_none(
                [p["open_to_diagnostics_ms"] for p in per
                 if p["open_to_diagnostics_ms"] is not None]),
            "first_hover_after_open_median_ms": statistics.median(
                p["first_hover_ms"] for p in per),
            "files": per, "exited_on_exit": int(close["exited_on_exit"])}


def edit_sites(text, count):
    """`count` places, spread over the file, right after a `)` that ends a
    logical line: a space typed there changes no meaning and no syntax."""
    lines = text.splitlines(keepends=True)
    sites = []
    prev = None
    for tok in tokenize.generate_tokens(iter(lines).__next__):
        if (tok.type == tokenize.NEWLINE and prev is not None
                and prev.string == ")" and prev.end[0] == tok.start[0]):
            row = prev.end[0] - 1
            sites.append((row, utf16_len(lines[row][:prev.end[1]])))
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            prev = tok
    if len(sites) < count:
        raise SystemExit("bench: only %d edit sites" % len(sites))
    step = len(sites) / count
    return [sites[int(i * step)] for i in range(count)]


def measure_edits(server, root, path, n_edits, timeout):
    """n_edits one-character didChanges (a space typed, then deleted, at
    n_edits/2 places); for each, the time until the publishDiagnostics that
    carries its version (or, without a version, the next one for the file)."""
    text = lspclient.read_source(path)
    sites = edit_sites(text, (n_edits + 1) // 2)
    client, _, _ = server.start(root)
    lats, timeouts, counts = [], 0, []
    try:
        uri, _ = open_doc(client, path, text, timeout)
        version = 1
        for i in range(n_edits):
            line, col = sites[i // 2]
            if i % 2 == 0:
                change = {"range": {"start": {"line": line, "character": col},
                                    "end": {"line": line, "character": col}},
                          "text": " "}
            else:
                change = {"range": {"start": {"line": line, "character": col},
                                    "end": {"line": line,
                                            "character": col + 1}},
                          "text": ""}
            version += 1
            v = version

            def mine(p, v=v):
                return (p and p.get("uri") == uri
                        and p.get("version", v) == v)

            start = len(client.notifications)
            t0 = time.perf_counter()
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": v},
                "contentChanges": [change]})
            t, p = client.wait_notification(
                "textDocument/publishDiagnostics", mine, start=start,
                timeout=timeout)
            if t is None:
                timeouts += 1
            else:
                lats.append(ms(t - t0))
                counts.append(len(p.get("diagnostics", [])))
            time.sleep(0.02)
    finally:
        close = client.close()
    return {"file": str(path.relative_to(root)), "edits": n_edits,
            "median_ms": statistics.median(lats) if lats else None,
            "p90_ms": pct(lats, 0.9), "max_ms": max(lats) if lats else None,
            "min_ms": min(lats) if lats else None,
            "timeouts": timeouts,
            "diagnostics_per_publish": sorted(set(counts)),
            "exited_on_exit": int(close["exited_on_exit"])}


def measure_rss(server, root, path, timeout):
    """RSS after initialize, then with `path` open (after its diagnostics
    and 20 hovers, so lazily built state is there)."""
    client, _, _ = server.start(root)
    exited = 0
    try:
        time.sleep(0.5)
        idle = rss_sample(client.proc.pid)
        text = lspclient.read_source(path)
        uri, _ = open_doc(client, path, text, timeout)
        positions = name_positions(text)
        for pos in random.Random(1).sample(positions, min(20, len(positions))):
            hover(client, uri, pos, timeout)
        time.sleep(0.5)
        opened = rss_sample(client.proc.pid)
    finally:
        exited = int(client.close()["exited_on_exit"])
    return {"file": str(path.relative_to(root)),
            "kib": path.stat().st_size / 1024,
            "idle": idle, "open": opened, "exited_on_exit": exited}


def lsp_bench(args):
    root = args.corpus
    servers = [
        Server("pyexplain", [args.pyexplain, "server"], {"language": "en"}),
        # ruff's server lints on every change (its default rules): the
        # reference for didChange -> diagnostics and for initialize.
        Server("ruff server", [args.ruff, "server"], None,
               ("initialize", "edit", "rss")),
        # jedi-language-server: the fastest Python hover server we know of.
        Server("jedi-language-server", [args.jedi_ls], None,
               ("initialize", "hover", "rss")),
        Server("pylsp", [args.pylsp], None),
    ]
    files, skipped = pick_hover_files(root, args.hover_files, args.min_names)
    largest = max(root.rglob("*.py"), key=lambda p: p.stat().st_size)
    edit_file = root / args.edit_file
    out = {"hover_files_skipped": skipped, "servers": {}}
    for s in servers:
        r = {}
        if "initialize" in s.measures:
            log("%s: initialize x%d" % (s.name, args.init_runs))
            r["initialize"] = measure_initialize(s, root, args.init_runs)
        if "hover" in s.measures:
            log("%s: %d hovers in each of %d files" % (s.name, args.hovers,
                                                       len(files)))
            r["hover"] = measure_hovers(s, root, files, args.hovers,
                                        args.seed, args.timeout)
        if "edit" in s.measures:
            log("%s: %d edits of %s" % (s.name, args.edits, args.edit_file))
            r["edit"] = measure_edits(s, root, edit_file, args.edits,
                                      args.timeout)
        if "rss" in s.measures:
            log("%s: memory with %s open" % (s.name,
                                             largest.relative_to(root)))
            r["rss"] = measure_rss(s, root, largest, args.timeout)
        out["servers"][s.name] = r
    return out


# -- report -------------------------------------------------------------------

def machine_info(args):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kib = int(fh.readline().split()[1])
            mem = "%.0f GiB" % (kib / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        pass

    def cmd_out(cmd, cwd=None):
        try:
            return subprocess.run(cmd, capture_output=True, text=True,
                                  cwd=cwd, timeout=60).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    corpus_python = cmd_out(["python3", "-c",
                             "import platform; print(platform.python_version())"])
    venv_bin = pathlib.Path(args.pylsp).parent
    versions = cmd_out([str(venv_bin / "python"), "-c",
                        "import importlib.metadata as m; print(' '.join("
                        "f'{p}=={m.version(p)}' for p in "
                        "('python-lsp-server', 'pyflakes', 'jedi', "
                        "'jedi-language-server')))"])
    commit = cmd_out(["git", "rev-parse", "--short=12", "HEAD"], args.repo)
    # --no-optional-locks: read only, never refresh the index of a work tree
    # that others may be committing in.
    dirty = cmd_out(["git", "--no-optional-locks", "status", "--porcelain",
                     "--untracked-files=no"], args.repo)
    return {
        "date": datetime.datetime.now().astimezone().strftime(
            "%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)),
        "cpu": cpu, "memory": mem,
        "kernel": platform.release(),
        "loadavg": os.getloadavg(),
        "python": corpus_python,
        "pyexplain": cmd_out([args.pyexplain, "--version"]),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "ruff": cmd_out([args.ruff, "--version"]),
        "pylsp": versions,
    }


def corpus_info(corpus):
    files = list(corpus.rglob("*.py"))
    size = lines = 0
    for f in files:
        data = f.read_bytes()
        size += len(data)
        lines += data.count(b"\n")
    return {"files": len(files), "mib": size / 2**20, "lines": lines}


def fnum(x, digits=1):
    if x is None:
        return "–"
    return "{:,.{d}f}".format(x, d=digits)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    r = a / b
    return ("%.2f×" % r) if r >= 0.1 else ("%.2g×" % r)


def kib(x):
    return "%.1f MiB" % (x / 1024)


def report(info, corpus, cli, lsp, args, elapsed):
    out = []
    w = out.append
    w("# pyexplain benchmark")
    w("")
    w("- Date: %s; the whole run took %.0f s." % (info["date"], elapsed))
    w("- Machine: %d cores (%d usable), %s, %s RAM, Linux %s; load average "
      "at the start %.2f / %.2f / %.2f." % (
          info["nproc"], info["affinity"], info["cpu"], info["memory"],
          info["kernel"], *info["loadavg"]))
    if info["loadavg"][0] > 0.5 * info["nproc"]:
        w("- **Warning: the machine was busy when this run started; the "
          "numbers are not representative.**")
    w("- pyexplain %s, commit %s." % (info["pyexplain"].replace(
        "pyexplain ", ""), info["commit"]))
    w("- Peers: %s; %s. Python %s." % (info["ruff"], info["pylsp"],
                                       info["python"]))
    w("- Corpus: the Python %s standard library without site-packages: "
      "%d files, %.1f MiB, %s lines." % (info["python"], corpus["files"],
                                         corpus["mib"],
                                         "{:,}".format(corpus["lines"])))
    w("")
    if cli:
        by = {(c["key"], c["threads"]): c for c in cli["configs"]}
        w("## CLI: checking the whole corpus")
        w("")
        w("Median of %d runs after one warm-up run; output to /dev/null. "
          "CPU = user + system time of the process. 1 thread = %s."
          % (args.runs, cli["one_thread_pinning"]))
        w("")
        w("| command | threads | wall (s) | CPU (s) | peak RSS | MiB/s (wall) |")
        w("|---|---|---:|---:|---:|---:|")
        for c in cli["configs"]:
            w("| %s | %s | %s | %s | %s | %s |" % (
                c["label"], c["threads"], fnum(c["wall_s"], 2),
                fnum(c["cpu_s"], 2), kib(c["peak_rss_kib"]),
                fnum(corpus["mib"] / c["wall_s"], 1)))
        w("")
        w("| ratio (pyexplain / ruff; < 1: pyexplain faster) | all cores, "
          "wall | all cores, CPU | 1 thread, wall | 1 thread, CPU |")
        w("|---|---:|---:|---:|---:|")
        for key in ("pyexplain", "pyexplain-matched"):
            if (key, "all") not in by:
                continue
            cells = []
            for t in ("all", "1"):
                for m in ("wall_s", "cpu_s"):
                    cells.append(ratio(by[(key, t)][m], by[("ruff", t)][m]))
            w("| %s vs ruff | %s |" % (by[(key, "all")]["label"],
                                       " | ".join(cells)))
        w("")
        w("Analysis overhead (pyexplain has no switch that parses without "
          "analysing, so the floors are approximations made of two "
          "`check` runs):")
        w("")
        w("| overhead | all cores, wall | 1 thread, wall | 1 thread, CPU |")
        w("|---|---:|---:|---:|")
        for floor, label in (("floor-rule", "full check / `--select %s`"
                              % CHEAPEST_RULE),
                             ("floor-parse", "full check / `--ignore` every "
                              "rule (read + parse only)")):
            w("| %s | %s | %s | %s |" % (
                label,
                ratio(by[("pyexplain", "all")]["wall_s"],
                      by[(floor, "all")]["wall_s"]),
                ratio(by[("pyexplain", "1")]["wall_s"],
                      by[(floor, "1")]["wall_s"]),
                ratio(by[("pyexplain", "1")]["cpu_s"],
                      by[(floor, "1")]["cpu_s"])))
        w("")
        w("`--select %s` still reads and parses every file and walks every "
          "tree once, with the cheapest rule; `--ignore` of every rule "
          "reads and parses but skips the walk. Their difference to the full "
          "check is the cost of the rules themselves (and of the module "
          "index some rules build)." % CHEAPEST_RULE)
        w("")
    if lsp:
        s = lsp["servers"]
        ours = s["pyexplain"]
        peers = [n for n in s if n != "pyexplain"]
        w("## LSP: pyexplain server vs ruff server, jedi-language-server "
          "and pylsp")
        w("")
        w("Each peer is measured on what it does (ruff's server: initialize, "
          "didChange → diagnostics, memory; jedi-language-server: "
          "initialize, hover, memory; pylsp: everything). The ratio is "
          "against the best peer of each row (< 1: pyexplain faster or "
          "smaller).")
        w("")
        w("| measure | pyexplain | %s | best peer | pyexplain / best |"
          % " | ".join(peers))
        w("|---|---:|%s---|---:|" % ("---:|" * len(peers)))

        def get(r, path):
            for k in path:
                if r is None or k not in r:
                    return None
                r = r[k]
            return r

        def row(label, path, unit="ms", digits=1, fmt=None):
            fmt = fmt or (lambda v: "%s %s" % (fnum(v, digits), unit))
            x = get(ours, path)
            vals = [get(s[p], path) for p in peers]
            have = [(v, p) for v, p in zip(vals, peers) if v is not None]
            best = min(have) if have else (None, "–")
            w("| %s | %s | %s | %s | %s |" % (
                label, "–" if x is None else fmt(x),
                " | ".join("–" if v is None else fmt(v) for v in vals),
                best[1], ratio(x, best[0])))

        ha = ours["hover"]
        row("initialize: spawn → response, median of %d" % args.init_runs,
            ("initialize", "median_ms"))
        row("hover median (%d hovers: %d files × %d positions)"
            % (ha["count"], len(ha["files"]), args.hovers),
            ("hover", "median_ms"), digits=2)
        row("hover p90", ("hover", "p90_ms"), digits=2)
        row("hover p99", ("hover", "p99_ms"), digits=2)
        row("hover max", ("hover", "max_ms"))
        row("first hover after didOpen (median over the files)",
            ("hover", "first_hover_after_open_median_ms"))
        row("first hover of the session", ("hover", "session_first_hover_ms"))
        row("cold start: spawn → initialize → didOpen → diagnostics → "
            "first hover answered", ("hover", "spawn_to_first_hover_ms"))
        row("didOpen → first publishDiagnostics (median over the files)",
            ("hover", "open_to_diagnostics_median_ms"))
        row("didChange → publishDiagnostics, median of %d one-character "
            "edits (`%s`)" % (args.edits, args.edit_file),
            ("edit", "median_ms"))
        row("didChange → publishDiagnostics, p90", ("edit", "p90_ms"))
        w("| hovers with a non-empty result | %s | %s | – | – |" % (
            "%.0f %%" % ha["nonempty_pct"],
            " | ".join("–" if get(s[p], ("hover",)) is None else
                       "%.0f %%" % s[p]["hover"]["nonempty_pct"]
                       for p in peers)))
        row("RSS after initialize (server)",
            ("rss", "idle", "server_rss_kib"), fmt=kib)
        row("RSS with `%s` (%.0f KiB) open (server)"
            % (ours["rss"]["file"], ours["rss"]["kib"]),
            ("rss", "open", "server_rss_kib"), fmt=kib)
        row("same, with child processes", ("rss", "open", "tree_rss_kib"),
            fmt=kib)
        w("")
        hover_peers = [p for p in peers if "hover" in s[p]]
        w("Hover latency per file (ms, median / p99):")
        w("")
        w("| file | KiB | lines | pyexplain | %s |" % " | ".join(hover_peers))
        w("|---|---:|---:|---:|%s" % ("---:|" * len(hover_peers)))
        for i, fa in enumerate(ha["files"]):
            cells = []
            for p in hover_peers:
                fb = s[p]["hover"]["files"][i]
                cells.append("%s / %s" % (fnum(fb["median_ms"], 2),
                                          fnum(fb["p99_ms"], 2)))
            w("| `%s` | %.0f | %s | %s / %s | %s |" % (
                fa["file"], fa["kib"], "{:,}".format(fa["lines"]),
                fnum(fa["median_ms"], 2), fnum(fa["p99_ms"], 2),
                " | ".join(cells)))
        w("")
        w("Notes:")
        w("")
        w("- Hover positions: the middle character of identifiers and "
          "keywords (tokenize NAME tokens), %d per file drawn at random with "
          "a fixed seed, the same for every server, one request in flight "
          "at a time. Files: the %d largest of the corpus with at least %d "
          "such tokens%s. pyexplain answers only where a course note "
          "applies, the jedi-based servers on almost every name, hence the "
          "non-empty share."
          % (args.hovers, len(ha["files"]), args.min_names,
             " (skipped: %s)" % ", ".join("`%s`" % f for f in
                                         lsp["hover_files_skipped"])
             if lsp["hover_files_skipped"] else ""))
        w("- Edits: a space typed after a line-ending `)` and deleted again, "
          "at %d places; the latency is from sending didChange to receiving "
          "the publishDiagnostics of that version. ruff's server lints with "
          "its default rules (no configuration in the corpus). pylsp lints "
          "with pyflakes only (its other linters are not installed) and "
          "debounces linting by a fixed 500 ms (`LINT_DEBOUNCE_S` in "
          "pylsp), which is part of what an editor sees. Timeouts: %s."
          % ((args.edits + 1) // 2,
             ", ".join("%s %d" % (n, r["edit"]["timeouts"])
                       for n, r in s.items() if "edit" in r)))
        w("- RSS: VmRSS from /proc/PID/status, 0.5 s after initialize, and "
          "after didOpen of the corpus' largest file, its diagnostics and 20 "
          "hovers (for a server measured without hovers, the hovers are "
          "sent all the same). Child processes count in the last row.")
        for name, r in s.items():
            sessions = sum(r[m]["sessions"] if m == "initialize" else 1
                           for m in r)
            exited = sum(r[m]["exited_on_exit"] for m in r)
            if exited < sessions:
                w("- **%s did not exit within 2 s of the `exit` notification "
                  "(after `shutdown`) in %d of %d sessions**; the benchmark "
                  "then closed its stdin." % (name, sessions - exited,
                                              sessions))
        w("")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=pathlib.Path, required=True)
    ap.add_argument("--repo", type=pathlib.Path, required=True)
    ap.add_argument("--pyexplain", required=True)
    ap.add_argument("--ruff", required=True)
    ap.add_argument("--pylsp", required=True)
    ap.add_argument("--jedi-ls", required=True,
                    help="the jedi-language-server executable")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--init-runs", type=int, default=10)
    ap.add_argument("--hover-files", type=int, default=5)
    ap.add_argument("--hovers", type=int, default=200)
    ap.add_argument("--min-names", type=int, default=1000)
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--edit-file", default="test/test_typing.py")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--seed", default="pyexplain-bench")
    ap.add_argument("--skip-cli", action="store_true")
    ap.add_argument("--skip-lsp", action="store_true")
    ap.add_argument("--out", type=pathlib.Path,
                    help="also write the markdown here")
    ap.add_argument("--json", type=pathlib.Path,
                    help="write every measurement as JSON here")
    args = ap.parse_args()
    args.corpus = args.corpus.resolve()
    t0 = time.perf_counter()
    info = machine_info(args)
    corpus = corpus_info(args.corpus)
    rules = our_rules(args.pyexplain)
    cli = None if args.skip_cli else cli_bench(args, rules)
    lsp = None if args.skip_lsp else lsp_bench(args)
    md = report(info, corpus, cli, lsp, args, time.perf_counter() - t0)
    sys.stdout.write(md)
    if args.out:
        args.out.write_text(md)
    if args.json:
        args.json.write_text(json.dumps(
            {"machine": info, "corpus": corpus, "rules": rules, "cli": cli,
             "lsp": lsp}, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
