"""Checks an installed pyexplain-lsp wheel: run with the venv's python.

    python tests/wheel/check.py REPO_DIR WHEEL

The wheel's name (file and metadata) is the distribution README's install
line installs; the executable on the venv's PATH and
`python -m pyexplain_lsp` print the version of Cargo.toml with the knowledge
hash, explain the bundled example, and serve LSP: initialize, hover,
shutdown, exit (code 0).
"""
import email.parser
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile

repo, wheel = sys.argv[1], sys.argv[2]
scripts = sysconfig.get_path("scripts")
exe = os.path.join(scripts, "pyexplain" + (sysconfig.get_config_var("EXE") or ""))
failures = []
checks = 0


def check(name, ok, detail=""):
    global checks
    checks += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(name)


with open(os.path.join(repo, "Cargo.toml"), encoding="utf-8") as f:
    version = re.search(r'^version = "([^"]+)"', f.read(), re.M).group(1)

# The name: README's first `pip install NAME` is this wheel's distribution.
with open(os.path.join(repo, "README.md"), encoding="utf-8") as f:
    install = re.search(r"^pip install ([A-Za-z0-9._-]+)", f.read(), re.M)
readme_name = install.group(1) if install else None
with zipfile.ZipFile(wheel) as z:
    metadata_file = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    metadata = email.parser.Parser().parsestr(z.read(metadata_file).decode("utf-8"))


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


check("README's install line names the wheel's distribution",
      readme_name is not None and normalize(readme_name) == normalize(metadata["Name"]),
      f"README installs {readme_name!r}, the wheel is {metadata['Name']!r}")
check("the wheel's file name is that distribution's",
      os.path.basename(wheel).startswith(re.sub(r"[-_.]+", "_", metadata["Name"]).lower() + "-"), wheel)
check("the installed distribution is that name, with Cargo.toml's version",
      importlib.metadata.version(metadata["Name"]) == version, importlib.metadata.version(metadata["Name"]))
check("the wheel installs the executable", os.path.isfile(exe), exe)
out = subprocess.run([exe, "--version"], capture_output=True, text=True)
check("--version prints Cargo.toml's version and the knowledge hash",
      re.fullmatch(rf"pyexplain {re.escape(version)} \(knowledge [0-9a-f]{{16}}\)\n", out.stdout), out.stdout)
out = subprocess.run([sys.executable, "-m", "pyexplain_lsp", "--version"], capture_output=True, text=True)
check("python -m pyexplain_lsp runs it", out.stdout.startswith(f"pyexplain {version} "), out.stdout + out.stderr)

example = os.path.join(repo, "examples", "generators.py")
with open(example, encoding="utf-8") as f:
    lines = f.read().splitlines()
line = next(i for i, l in enumerate(lines) if "yield from" in l)
col = lines[line].index("yield from")
out = subprocess.run([exe, "explain", f"{example}:{line + 1}:{col + 1}"], capture_output=True, text=True,
                     cwd=os.path.expanduser("~"))
check("explain works without the repository's files beside it", out.returncode == 0 and "§12.6" in out.stdout, out.stderr)

# LSP round trip.
proc = subprocess.Popen([exe, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def send(msg):
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def receive(want_id=None, log_prefix=None):
    """The response to `want_id`, or (with `log_prefix`) the first
    window/logMessage whose message starts with it."""
    while True:
        header = proc.stdout.readline()
        if not header:
            raise RuntimeError("server closed its output")
        length = int(header.split(b":")[1])
        proc.stdout.readline()
        msg = json.loads(proc.stdout.read(length))
        if want_id is not None and msg.get("id") == want_id and "method" not in msg:
            return msg
        if (log_prefix is not None and msg.get("method") == "window/logMessage"
                and msg.get("params", {}).get("message", "").startswith(log_prefix)):
            return msg


send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
init = receive(1)
check("initialize", init["result"]["serverInfo"]["version"].startswith(version), init)
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
# Hovers answer from what is ready until the triggers are compiled, which
# the server logs once.
receive(log_prefix="pyexplain: notes ready")
uri = "file:///tmp/wheel-check/generators.py"
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "\n".join(lines)}}})
send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
      "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": col}}})
hover = receive(2)
check("hover over LSP", hover["result"]["contents"]["value"].startswith("**§12.6 "), hover)
send({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
receive(3)
send({"jsonrpc": "2.0", "method": "exit"})
try:
    code = proc.wait(timeout=10)
except subprocess.TimeoutExpired:
    proc.kill()
    code = None
check("shutdown + exit ends the server with 0", code == 0, code)

print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
