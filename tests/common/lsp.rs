//! A minimal LSP client over the built binary's stdio, with bounded waits.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Messages received but not yet consumed (notifications, other responses).
    pub backlog: Vec<Value>,
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_pyexplain")
}

pub fn frame(value: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(value).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    pub fn spawn(envs: &[(&str, &str)]) -> Client {
        Client::spawn_in(envs, None)
    }

    /// The process id of the server.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Spawns the server with a working directory.
    pub fn spawn_in(envs: &[(&str, &str)], cwd: Option<&std::path::Path>) -> Client {
        let mut cmd = Command::new(binary());
        if let Some(dir) = cwd {
            cmd.current_dir(dir);
        }
        cmd.arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            // The user's learned sections must not leak into the tests: by
            // default an empty data directory (nothing writes there unless a
            // test marks a section, and those tests pass their own).
            .env(
                "XDG_DATA_HOME",
                std::env::temp_dir().join(format!("pyexplain-test-no-data-{}", std::process::id())),
            );
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn pyexplain server");
        let stdout = child.stdout.take().unwrap();
        let stdin = child.stdin.take();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 1,
            backlog: Vec::new(),
        }
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let msg = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(&frame(&msg));
    }

    /// Sends a request and returns its id without waiting.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(&frame(&msg));
        id
    }

    /// Waits for the response to `id` (the whole message, with `result` or `error`).
    pub fn response(&mut self, id: i64) -> Value {
        self.response_to(&json!(id))
    }

    /// Waits for the response to an id of any type (a number or a string;
    /// `null` for the error responses to unusable messages).
    pub fn response_to(&mut self, id: &Value) -> Value {
        if let Some(pos) = self
            .backlog
            .iter()
            .position(|m| m.get("id") == Some(id) && m.get("method").is_none())
        {
            return self.backlog.remove(pos);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(msg) => {
                    if msg.get("id") == Some(id) && msg.get("method").is_none() {
                        return msg;
                    }
                    // A request from the server: answer it as an editor would.
                    if let (Some(req_id), Some(method)) = (msg.get("id"), msg.get("method")) {
                        let result = match method.as_str() {
                            Some("window/showDocument") => json!({"success": true}),
                            _ => Value::Null,
                        };
                        let reply = json!({"jsonrpc": "2.0", "id": req_id, "result": result});
                        self.send_raw(&frame(&reply));
                    }
                    self.backlog.push(msg);
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no response to request {id} within {TIMEOUT:?}")
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed stdout before answering {id}")
                }
            }
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        let resp = self.response(id);
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    /// `initialize`, `initialized`, then waits for the log line saying the
    /// notes' triggers are compiled: until then hovers answer without them.
    pub fn initialize(&mut self, params: Value) -> Value {
        let result = self.initialize_only(params);
        self.notes_ready();
        result
    }

    /// `initialize` and `initialized`, without waiting for the notes.
    pub fn initialize_only(&mut self, params: Value) -> Value {
        let result = self.request("initialize", params);
        self.notify("initialized", json!({}));
        result
    }

    /// Waits (bounded) for the log line `pyexplain: notes ready`, taking it
    /// out of the stream: tests that wait for other log lines never see it.
    pub fn notes_ready(&mut self) -> Value {
        self.next_message("the \"notes ready\" log line", true, |m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("pyexplain: notes ready"))
        })
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        );
    }

    pub fn hover(&mut self, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
    }

    /// `shutdown` + `exit`; returns the exit status (bounded wait).
    pub fn shutdown(mut self) -> ExitStatus {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.wait()
    }

    /// Waits for the process to end, keeping stdin open as editors do (the
    /// server must exit on `exit`, not on end of input).
    pub fn wait(mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("server did not exit within {TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The hover's markdown, or `None` for a null hover.
pub fn hover_text(result: &Value) -> Option<String> {
    result
        .get("contents")
        .and_then(|c| c.get("value"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

impl Client {
    /// Waits for the next `publishDiagnostics` for `uri` (bounded).
    pub fn diagnostics(&mut self, uri: &str) -> Value {
        self.next_message(&format!("diagnostics for {uri}"), true, |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        })["params"]
            .clone()
    }
}

impl Client {
    /// Waits (bounded) for a message from the server with this `method`
    /// (a notification, or a request, which is answered with `null`);
    /// earlier ones in the backlog count.
    pub fn wait_for(&mut self, method: &str) -> Value {
        self.wait_for_message(method, true)
    }

    /// Waits for the server's message `method` and leaves it unanswered,
    /// as an editor that never replies to a request would (other server
    /// requests meanwhile are answered as usual).
    pub fn wait_for_unanswered(&mut self, method: &str) -> Value {
        self.wait_for_message(method, false)
    }

    /// Waits for `method`, answering every server request that arrives
    /// meanwhile with `null`, and the awaited one too if `answer_it`.
    fn wait_for_message(&mut self, method: &str, answer_it: bool) -> Value {
        self.next_message(method, answer_it, |m| m["method"] == method)
    }

    /// The first message (earlier ones in the backlog count) that `is_it`,
    /// taken out of the stream; the others are kept in the backlog, and
    /// every server request meanwhile is answered with `null` (the awaited
    /// one too if `answer_it`). Panics after [`TIMEOUT`].
    fn next_message(
        &mut self,
        what: &str,
        answer_it: bool,
        is_it: impl Fn(&Value) -> bool,
    ) -> Value {
        if let Some(pos) = self.backlog.iter().position(&is_it) {
            return self.backlog.remove(pos);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(msg) => {
                    let awaited = is_it(&msg);
                    if let (Some(req_id), Some(_)) = (msg.get("id"), msg.get("method")) {
                        if answer_it || !awaited {
                            let reply = json!({"jsonrpc": "2.0", "id": req_id, "result": null});
                            self.send_raw(&frame(&reply));
                        }
                    }
                    if awaited {
                        return msg;
                    }
                    self.backlog.push(msg);
                }
                Err(_) => panic!("no {what} from the server within {TIMEOUT:?}"),
            }
        }
    }

    /// `workspace/executeCommand`, returning the result.
    pub fn execute(&mut self, command: &Value) -> Value {
        self.request(
            "workspace/executeCommand",
            json!({"command": command["command"], "arguments": command["arguments"]}),
        )
    }

    /// The code actions at a position (no diagnostics in the context).
    pub fn actions_at(&mut self, uri: &str, line: u32, character: u32) -> Vec<Value> {
        let pos = json!({"line": line, "character": character});
        let result = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": pos, "end": pos},
                   "context": {"diagnostics": []}}),
        );
        result.as_array().cloned().unwrap_or_default()
    }
}
