"""Drives jupyter-lsp headless: a Jupyter server started with the
configuration in CONFIG_DIR/jupyter_server_config.json, then jupyter-lsp's
status page and its websocket as the JupyterLab frontend uses them.

Usage: check.py CONFIG_DIR. Prints one line per check; exits non-zero on
the first failure (with the server's log).
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from tornado import ioloop, websocket

TOKEN = "pyexplain-check"
TIMEOUT = 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail(msg, log_path):
    with open(log_path, encoding="utf-8", errors="replace") as f:
        sys.stderr.write(f.read()[-4000:])
    sys.exit(f"check.py: {msg}")


async def talk(port, uri, text):
    url = f"ws://127.0.0.1:{port}/lsp/ws/pyexplain?token={TOKEN}"
    conn = await websocket.websocket_connect(url)

    async def send(msg):
        await conn.write_message(json.dumps(dict(jsonrpc="2.0", **msg)))

    # The notes' triggers compile in the background after start-up; one log
    # line says when they are ready (hovers answer without them until then).
    ready = []

    def notes_ready(msg):
        return (msg.get("method") == "window/logMessage"
                and msg["params"]["message"].startswith("pyexplain: notes ready"))

    async def until(pred):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            raw = await conn.read_message()
            if raw is None:
                raise RuntimeError("the websocket closed")
            msg = json.loads(raw)
            if notes_ready(msg):
                ready.append(msg)
            if "id" in msg and "method" in msg:
                # A request from the server (registrations, configuration).
                await send({"id": msg["id"], "result": None})
            if pred(msg):
                return msg
        raise RuntimeError("timed out")

    await send({"id": 1, "method": "initialize", "params": {
        "processId": None, "rootUri": None, "capabilities": {}}})
    init = await until(lambda m: m.get("id") == 1)
    name = init["result"]["serverInfo"]["name"]
    await send({"method": "initialized", "params": {}})
    await send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": text}}})
    diags = await until(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    codes = [d.get("code") for d in diags["params"]["diagnostics"]]
    if not ready:
        await until(notes_ready)
    await send({"id": 2, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 0, "character": 19}}})
    hover = await until(lambda m: m.get("id") == 2)
    await send({"id": 3, "method": "shutdown"})
    await until(lambda m: m.get("id") == 3)
    await send({"method": "exit"})
    conn.close()
    return name, codes, hover["result"]["contents"]["value"]


def main():
    config_dir = os.path.abspath(sys.argv[1])
    port = free_port()
    env = dict(os.environ)
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")]:
        env[var] = config_dir if sub == "config" else os.path.join(config_dir, sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    log_path = os.path.join(config_dir, "server.log")
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
             "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
             f"--ServerApp.root_dir={config_dir}",
             # Only the configured server: not the ones jupyter-lsp finds.
             "--LanguageServerManager.autodetect=False"]
            # Containers often run tests as root, which Jupyter refuses unless told.
            + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        status = None
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and server.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/lsp/status?token={TOKEN}"
                with urllib.request.urlopen(url, timeout=5) as r:
                    status = json.load(r)
                break
            except OSError:
                time.sleep(0.2)
        if status is None:
            fail("the Jupyter server did not answer /lsp/status", log_path)
        sessions = status.get("sessions", {})
        if list(sessions) != ["pyexplain"]:
            fail(f"/lsp/status lists {list(sessions)}, not pyexplain", log_path)
        print("status: pyexplain listed")
        uri = "file://" + os.path.join(config_dir, "lesson.py")
        text = "def put(item, into=[]):\n    into.append(item)\n    return into\n"
        try:
            name, codes, hover = ioloop.IOLoop.current().run_sync(
                lambda: talk(port, uri, text), timeout=TIMEOUT)
        except Exception as e:  # noqa: BLE001 - said with the log
            fail(f"over the websocket: {e!r}", log_path)
        if name != "pyexplain":
            fail(f"initialize answered by {name}", log_path)
        print("initialize: serverInfo.name", name)
        if "mutable-default-argument" not in codes:
            fail(f"diagnostics {codes}", log_path)
        print("diagnostics:", codes)
        if "§7.4" not in hover:
            fail(f"hover {hover[:200]!r}", log_path)
        print("hover: §7.4")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
