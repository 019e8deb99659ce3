"""A minimal LSP client over a server's stdio, for measuring language servers.

Standard library only. Adapted from a measurement client kept outside this
repository (the benchmark must not depend on anything beside it): JSON-RPC
2.0 with Content-Length framing, a reader thread that timestamps every
message on arrival, automatic answers to server-to-client requests, and
/proc-based memory sampling.

Positions are LSP positions: 0-based line, 0-based UTF-16 character (the only
encoding `client_capabilities` offers, so both servers use it).
"""

import io
import json
import os
import subprocess
import sys
import threading
import time
import tokenize


def client_capabilities():
    """What a typical editor announces (UTF-16 positions only)."""
    return {
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": True,
                   "showDocument": {"support": True}},
        "workspace": {
            "configuration": True,
            "workspaceFolders": True,
            "applyEdit": True,
            "didChangeConfiguration": {"dynamicRegistration": False},
        },
        "textDocument": {
            "synchronization": {"dynamicRegistration": False,
                                "didSave": True},
            "hover": {"dynamicRegistration": False,
                      "contentFormat": ["markdown", "plaintext"]},
            "publishDiagnostics": {
                "relatedInformation": True,
                "versionSupport": True,
                "tagSupport": {"valueSet": [1, 2]},
                "codeDescriptionSupport": True,
                "dataSupport": True,
            },
        },
    }


class LspError(Exception):
    pass


class LspClient:
    """One server process; a reader thread dispatches incoming messages."""

    def __init__(self, cmd, cwd=None, env=None):
        self._wlock = threading.Lock()
        self._plock = threading.Lock()
        self._next_id = 0
        self._pending = {}  # id -> [Event, t_recv, msg]
        self._cv = threading.Condition()
        self.notifications = []  # (t_recv, method, params)
        self.server_requests = []  # (t_recv, method, params)
        self.stderr_chunks = []
        self.workspace_folders = []
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, cwd=cwd, env=env)
        self.eof = False
        threading.Thread(target=self._read_loop, daemon=True).start()
        threading.Thread(target=self._err_loop, daemon=True).start()

    # -- transport ---------------------------------------------------------
    def _send(self, msg):
        body = json.dumps(msg, separators=(",", ":")).encode("utf-8")
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        with self._wlock:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def _read_message(self):
        out = self.proc.stdout
        headers = {}
        while True:
            line = out.readline()
            if not line:
                return None, None
            line = line.strip()
            if not line:
                if headers:
                    break
                continue
            key, _, value = line.decode("ascii", "replace").partition(":")
            headers[key.strip().lower()] = value.strip()
        length = int(headers["content-length"])
        body = out.read(length)
        if len(body) < length:
            return None, None
        return time.perf_counter(), body

    def _read_loop(self):
        try:
            while True:
                t, body = self._read_message()
                if body is None:
                    break
                self._dispatch(t, json.loads(body))
        finally:
            self.eof = True
            with self._cv:
                self._cv.notify_all()
            with self._plock:
                for slot in self._pending.values():
                    slot[0].set()

    def _err_loop(self):
        while True:
            chunk = self.proc.stderr.read1(65536)
            if not chunk:
                break
            self.stderr_chunks.append(chunk)
            if len(self.stderr_chunks) > 2000:  # keep memory bounded
                del self.stderr_chunks[:1000]

    def _dispatch(self, t, msg):
        method = msg.get("method")
        if method is None:  # a response
            with self._plock:
                slot = self._pending.get(msg.get("id"))
            if slot is not None:
                slot[1] = t
                slot[2] = msg
                slot[0].set()
            return
        params = msg.get("params")
        if "id" in msg:  # a server -> client request
            self.server_requests.append((t, method, params))
            self._answer_server_request(msg["id"], method, params)
        else:
            with self._cv:
                self.notifications.append((t, method, params))
                self._cv.notify_all()

    def _answer_server_request(self, rid, method, params):
        reply = {"jsonrpc": "2.0", "id": rid}
        if method == "workspace/configuration":
            reply["result"] = [None for _ in (params or {}).get("items", [])]
        elif method == "window/showDocument":
            reply["result"] = {"success": True}
        elif method == "workspace/applyEdit":
            reply["result"] = {"applied": False,
                               "failureReason": "measurement client"}
        elif method == "workspace/workspaceFolders":
            reply["result"] = self.workspace_folders
        elif method.startswith(("window/", "client/", "workspace/")):
            reply["result"] = None
        else:
            reply["error"] = {"code": -32601,
                              "message": "unhandled: %s" % method}
        self._send(reply)

    # -- API ---------------------------------------------------------------
    def request(self, method, params, timeout=60.0):
        """Sends a request; returns (response message, latency in seconds),
        the latency measured from just before the write to the arrival of
        the response's last byte."""
        with self._plock:
            self._next_id += 1
            rid = self._next_id
            slot = [threading.Event(), None, None]
            self._pending[rid] = slot
        t0 = time.perf_counter()
        self._send({"jsonrpc": "2.0", "id": rid, "method": method,
                    "params": params})
        ok = slot[0].wait(timeout)
        with self._plock:
            self._pending.pop(rid, None)
        if not ok:
            raise LspError("timeout after %.1fs waiting for %s" %
                           (timeout, method))
        if slot[2] is None:
            raise LspError("server closed the connection during %s" % method)
        return slot[2], slot[1] - t0

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_notification(self, method, predicate=None, start=0,
                          timeout=30.0):
        """Waits for a notification at index >= start; returns (t, params),
        or (None, None) on timeout or end of stream."""
        deadline = time.perf_counter() + timeout
        idx = start
        with self._cv:
            while True:
                while idx < len(self.notifications):
                    t, m, p = self.notifications[idx]
                    idx += 1
                    if m == method and (predicate is None or predicate(p)):
                        return t, p
                if self.eof:
                    return None, None
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None, None
                self._cv.wait(left)

    def initialize(self, root, init_options=None, timeout=60.0):
        """initialize + initialized; returns (result, ms from spawn)."""
        root_uri = root.as_uri()
        self.workspace_folders = [{"uri": root_uri, "name": root.name}]
        params = {
            "processId": os.getpid(),
            "clientInfo": {"name": "pyexplain-bench", "version": "1"},
            "rootUri": root_uri,
            "rootPath": str(root),
            "workspaceFolders": self.workspace_folders,
            "capabilities": client_capabilities(),
            "trace": "off",
        }
        if init_options is not None:
            params["initializationOptions"] = init_options
        resp, _ = self.request("initialize", params, timeout=timeout)
        t = time.perf_counter()
        if "error" in resp:
            raise LspError("initialize failed: %s" % resp["error"])
        self.notify("initialized", {})
        return resp.get("result") or {}, (t - self.t_spawn) * 1000

    def stderr_tail(self, n=2000):
        return b"".join(self.stderr_chunks).decode("utf-8", "replace")[-n:]

    def close(self, timeout=10.0, exit_grace=2.0):
        """shutdown + exit. Returns whether the process ended on `exit`
        within exit_grace seconds; if not, closes its stdin, then kills it."""
        res = {"exited_on_exit": False}
        if self.proc.poll() is None and not self.eof:
            try:
                self.request("shutdown", None, timeout=timeout)
                self.notify("exit", None)
            except (LspError, BrokenPipeError, OSError) as e:
                res["error"] = str(e)
        try:
            self.proc.wait(exit_grace)
            res["exited_on_exit"] = "error" not in res
        except subprocess.TimeoutExpired:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                res["killed"] = True
        res["exit_code"] = self.proc.returncode
        return res


# -- helpers ---------------------------------------------------------------

def read_source(path):
    """Decodes a Python file as the interpreter would (PEP 263 coding line,
    UTF-8 BOM), keeping its line endings."""
    with open(path, "rb") as fh:
        raw = fh.read()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    return raw.decode(encoding)


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def proc_tree(pid):
    """pid plus all its descendants (Linux /proc)."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss_sample(pid):
    """VmRSS and VmHWM (KiB) of the server and the sum over its process
    tree (pylsp's jedi may start helper processes)."""
    procs = []
    for p in proc_tree(pid):
        info = {"pid": p}
        try:
            with open("/proc/%d/status" % p) as fh:
                for line in fh:
                    if line.startswith(("VmRSS:", "VmHWM:", "Name:")):
                        k, v = line.split(":", 1)
                        info[k] = v.strip() if k == "Name" else int(v.split()[0])
        except OSError:
            continue
        procs.append(info)
    server = procs[0] if procs and procs[0]["pid"] == pid else {}
    return {
        "server_rss_kib": server.get("VmRSS", 0),
        "server_peak_kib": server.get("VmHWM", 0),
        "tree_rss_kib": sum(p.get("VmRSS", 0) for p in procs),
        "processes": [(p.get("Name"), p.get("VmRSS", 0)) for p in procs],
    }


def pct(values, q):
    """The q-quantile (0..1) of values, linearly interpolated."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


if __name__ == "__main__":
    sys.exit("a library: see bench/bench.py")
