//! A framing proxy between the client and tower-lsp-server.
//!
//! tower-lsp-server reads stdin through tokio-util's `FramedRead`, which ends
//! the stream after the first decode error: one malformed frame (bad JSON, a
//! garbled `Content-Length`, an `id` of `1.5`) would end the session. This
//! proxy reads the client's bytes itself ([`Framer`]), hands tower-lsp only
//! messages that tower-lsp's own types accept, and answers everything else
//! with the JSON-RPC error the spec prescribes: `-32700` (parse error) for
//! bytes that are not a JSON message, `-32600` (invalid request) for JSON
//! that is not a valid JSON-RPC message, with the request's `id` when it is
//! usable and `null` otherwise. Output frames from tower-lsp and the proxy's
//! own replies are written to stdout whole, never interleaved.
//!
//! Framing is lenient where it costs nothing: header lines may end in LF
//! alone, header names are case-insensitive, `Content-Type` may come first,
//! blank lines between messages are skipped. After garbage (or a frame whose
//! body is not JSON) it resynchronizes on the next `Content-Length:` /
//! `Content-Type:` header *after the start of the bad part*, so a wrong
//! length never swallows the next valid message.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Id, Request, Response};

/// The largest message accepted (larger ones are answered with an error and
/// their bytes discarded without being buffered).
pub const MAX_MESSAGE: usize = 256 * 1024 * 1024;
/// The longest header block (a longer one is garbage).
const MAX_HEADER: usize = 8 * 1024;
/// How much of an incomplete body is checked for being JSON already.
const PREFIX_CHECK: usize = 4 * 1024;

/// Frames a JSON body.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// A framed JSON-RPC error response.
pub fn error_frame(id: &Id, code: i64, message: &str) -> Vec<u8> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {"code": code, "message": message},
    });
    frame(body.to_string().as_bytes())
}

/// `-32700`: the bytes are not a JSON message.
pub const PARSE_ERROR: i64 = -32700;
/// `-32600`: JSON, but not a valid JSON-RPC message.
pub const INVALID_REQUEST: i64 = -32600;

/// What the client sent, message by message.
#[derive(Debug)]
pub enum Event {
    /// A message tower-lsp accepts: its body (unchanged) and, for a request
    /// or notification, the parsed request.
    Message {
        body: Vec<u8>,
        request: Option<Request>,
    },
    /// An error response to send back to the client.
    Reply(Vec<u8>),
}

/// Splits the client's byte stream into messages. Never panics, never
/// buffers more than one message (plus a header), and after any bad input
/// finds the next frame.
#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// Bytes of an oversized body still to drop as they arrive.
    discard: usize,
    /// An error was just reported: garbage that follows belongs to it.
    quiet: bool,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The offset of the first header that can start a frame
/// (`Content-Length:` or `Content-Type:`, any case) at or after `from`.
fn next_candidate(buf: &[u8], from: usize) -> Option<usize> {
    let rest = buf.get(from..)?;
    let mut i = 0;
    while let Some(pos) = memchr::memchr2(b'c', b'C', &rest[i..]) {
        let at = i + pos;
        let tail = &rest[at..];
        for name in [&b"content-length:"[..], b"content-type:"] {
            if tail.len() >= name.len() && tail[..name.len()].eq_ignore_ascii_case(name) {
                return Some(from + at);
            }
        }
        i = at + 1;
    }
    None
}

/// What a header block at the start of the buffer says.
enum Header {
    /// Need more bytes.
    More,
    /// A complete block: its length and the body length it declares.
    Complete(usize, usize),
    /// Not a valid header block: why.
    Bad(&'static str),
    /// Only blank lines: skip them silently.
    Blank(usize),
}

fn parse_header(buf: &[u8]) -> Header {
    let mut pos = 0;
    let mut length: Option<usize> = None;
    let mut bad: Option<&'static str> = None;
    let mut lines = 0;
    loop {
        let Some(nl) = memchr::memchr(b'\n', &buf[pos..]) else {
            return if buf.len() > MAX_HEADER {
                Header::Bad("header too long")
            } else {
                Header::More
            };
        };
        let end = pos + nl;
        let line = buf[pos..end].strip_suffix(b"\r").unwrap_or(&buf[pos..end]);
        let next = end + 1;
        if line.is_empty() {
            if lines == 0 {
                return Header::Blank(next);
            }
            return match (bad, length) {
                (Some(why), _) => Header::Bad(why),
                (None, None) => Header::Bad("no Content-Length header"),
                (None, Some(n)) => Header::Complete(next, n),
            };
        }
        lines += 1;
        if next > MAX_HEADER {
            return Header::Bad("header too long");
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Header::Bad("not a header line");
        };
        let name = line[..colon].trim_ascii();
        let value = line[colon + 1..].trim_ascii();
        // A header name is an HTTP token; a line with another frame's
        // header inside it is the remains of a cut frame.
        let token = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
        if name.is_empty() || !name.iter().all(token) || next_candidate(line, 1).is_some() {
            return Header::Bad("not a header line");
        }
        if name.eq_ignore_ascii_case(b"content-length") {
            let parsed = std::str::from_utf8(value)
                .ok()
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<usize>().ok());
            match (parsed, length) {
                (Some(n), None) => length = Some(n),
                (Some(_), Some(_)) => bad = bad.or(Some("two Content-Length headers")),
                (None, _) => bad = bad.or(Some("invalid Content-Length header")),
            }
        }
        pos = next;
    }
}

impl Framer {
    pub fn new() -> Framer {
        Framer::default()
    }

    /// Adds bytes read from the client.
    pub fn push(&mut self, bytes: &[u8]) {
        let dropped = self.discard.min(bytes.len());
        self.discard -= dropped;
        self.buf.extend_from_slice(&bytes[dropped..]);
    }

    /// Drops the buffer up to the next frame candidate at or after `from`
    /// (or the start of a header name cut short at the end), else all of it.
    fn resync(&mut self, from: usize) {
        let cut = resync_point(&self.buf, from).unwrap_or(self.buf.len());
        self.buf.drain(..cut.max(1).min(self.buf.len()));
        self.quiet = true;
    }

    /// A bad frame starting at 0 and certainly extending to `end`: a wrong
    /// length or a cut header may have swallowed the next frame's header,
    /// so resynchronize on the first candidate after the frame's start. The
    /// parse error is reported once per stretch of bad input.
    fn bad(&mut self, why: &str) -> Option<Event> {
        let report = !self.quiet;
        self.resync(1);
        report.then(|| parse_error(why))
    }

    /// The next message or reply, or `None` until more bytes arrive.
    pub fn next(&mut self) -> Option<Event> {
        loop {
            if self.buf.is_empty() {
                return None;
            }
            // Garbage before the first header: skip to the next candidate
            // (keeping a possible partial header name at the end), reported
            // once per run of garbage.
            let blank = matches!(self.buf[0], b'\r' | b'\n');
            if !blank && next_candidate(&self.buf, 0) != Some(0) {
                let cut = resync_point(&self.buf, 0).unwrap_or(self.buf.len());
                if cut == 0 {
                    return None;
                }
                self.buf.drain(..cut);
                if !self.quiet {
                    self.quiet = true;
                    return Some(parse_error("unframed input skipped"));
                }
                continue;
            }
            match parse_header(&self.buf) {
                Header::More => return None,
                Header::Blank(n) => {
                    self.buf.drain(..n);
                }
                Header::Bad(why) => {
                    if let Some(e) = self.bad(why) {
                        return Some(e);
                    }
                }
                Header::Complete(header, len) if len > MAX_MESSAGE => {
                    self.quiet = true;
                    let have = self.buf.len() - header;
                    if have >= len {
                        self.buf.drain(..header + len);
                    } else {
                        self.buf.clear();
                        self.discard = len - have;
                    }
                    return Some(parse_error("message too large"));
                }
                Header::Complete(header, len) => {
                    let have = self.buf.len() - header;
                    if have < len {
                        // Incomplete: if what has arrived is already not
                        // JSON, the length was wrong; do not wait for it.
                        let prefix = &self.buf[header..header + have.min(PREFIX_CHECK)];
                        if !prefix.is_empty() && !is_json_prefix(prefix) {
                            if let Some(e) = self.bad("message body is not JSON") {
                                return Some(e);
                            }
                            continue;
                        }
                        return None;
                    }
                    let body = self.buf[header..header + len].to_vec();
                    match classify(&body) {
                        Ok(request) => {
                            self.buf.drain(..header + len);
                            self.quiet = false;
                            return Some(Event::Message { body, request });
                        }
                        Err(Bad::NotJson(why)) => {
                            if let Some(e) = self.bad(&why) {
                                return Some(e);
                            }
                        }
                        Err(Bad::Invalid(id, why)) => {
                            self.buf.drain(..header + len);
                            self.quiet = true;
                            return Some(Event::Reply(error_frame(&id, INVALID_REQUEST, &why)));
                        }
                    }
                }
            }
        }
    }
}

/// Where to resume after bad input: the first frame candidate at or after
/// `from`, else the start of a header name cut short at the end of `buf`.
fn resync_point(buf: &[u8], from: usize) -> Option<usize> {
    next_candidate(buf, from).or_else(|| {
        let names = [&b"content-length:"[..], b"content-type:"];
        (buf.len().saturating_sub(14).max(from)..buf.len()).find(|&p| {
            let tail = &buf[p..];
            names.iter().any(|name| {
                tail.len() < name.len() && tail.eq_ignore_ascii_case(&name[..tail.len()])
            })
        })
    })
}

fn parse_error(why: &str) -> Event {
    Event::Reply(error_frame(
        &Id::Null,
        PARSE_ERROR,
        &format!("Parse error: {why}"),
    ))
}

/// Whether `prefix` (the start of a body) can still be the start of a JSON
/// value: it parses, or fails only for want of more input.
fn is_json_prefix(prefix: &[u8]) -> bool {
    let complete_or_eof =
        |bytes: &[u8]| match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Ok(_) => true,
            Err(e) => e.is_eof(),
        };
    // A number cut short ("-", "1.", "2e") is an error rather than an end
    // of input to serde_json: judge the prefix without it.
    let trimmed = prefix
        .iter()
        .rposition(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        .map_or(&prefix[..0], |i| &prefix[..=i]);
    complete_or_eof(prefix) || trimmed.is_empty() || complete_or_eof(trimmed)
}

enum Bad {
    NotJson(String),
    /// JSON, not a message: the id to answer with and why.
    Invalid(Id, String),
}

/// Checks a body with tower-lsp's own message types (a response first, then a
/// request, in the order tower-lsp tries them), so every body handed on is
/// one tower-lsp accepts.
fn classify(body: &[u8]) -> Result<Option<Request>, Bad> {
    if body.is_empty() {
        return Err(Bad::NotJson("empty message body".into()));
    }
    if serde_json::from_slice::<Response>(body).is_ok() {
        return Ok(None);
    }
    let request_error = match serde_json::from_slice::<Request>(body) {
        // tower-lsp defaults a missing method to "": not a request.
        Ok(request) if request.method().is_empty() => {
            return Err(Bad::Invalid(
                Id::Null,
                "Invalid request: no method, and not a response".into(),
            ))
        }
        Ok(request) => return Ok(Some(request)),
        Err(e) => e.to_string(),
    };
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        return Err(Bad::NotJson(e.to_string()));
    }
    // Valid JSON, invalid message. Answer with its id only if it is a
    // request whose id is usable (a response's id is the client's own).
    #[derive(serde::Deserialize)]
    struct Probe {
        method: Option<serde::de::IgnoredAny>,
        id: Option<serde_json::Value>,
    }
    let is_object = body.trim_ascii_start().first() == Some(&b'{');
    let id = serde_json::from_slice::<Probe>(body)
        .ok()
        .filter(|p| is_object && p.method.is_some())
        .and_then(|p| p.id)
        .and_then(|id| serde_json::from_value::<Id>(id).ok())
        .unwrap_or(Id::Null);
    Err(Bad::Invalid(
        id,
        format!("Invalid request: {request_error}"),
    ))
}

/// Where requests that must not wait in tower-lsp's ordered queue go
/// (long work that reads no open document), and who hears of cancellations.
pub trait Side: Send + Sync {
    /// Takes the request if it is one the side serves (and answers it
    /// through the reply channel); `false` hands it to tower-lsp.
    fn take(&self, request: &Request) -> bool;
    /// `$/cancelRequest` for `id`.
    fn cancel(&self, id: &Id);
}

/// Copies client input to tower-lsp, validating frames. Malformed messages
/// are answered through `replies`; requests the side serves go there.
pub async fn pump_input<R: AsyncRead + Unpin>(
    mut input: R,
    mut to_server: DuplexStream,
    replies: mpsc::Sender<Vec<u8>>,
    exit: Arc<tokio::sync::Notify>,
    side: Arc<dyn Side>,
) {
    let mut framer = Framer::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        while let Some(event) = framer.next() {
            match event {
                // Bounded: a client flooding garbage without reading loses
                // errors, not memory.
                Event::Reply(bytes) => {
                    let _ = replies.try_send(bytes);
                }
                Event::Message { body, request } => {
                    if let Some(request) = &request {
                        if request.method() == "$/cancelRequest" {
                            if let Some(id) = request
                                .params()
                                .and_then(|p| p.get("id"))
                                .and_then(|id| serde_json::from_value::<Id>(id.clone()).ok())
                            {
                                side.cancel(&id);
                            }
                        } else if request.id().is_some() && side.take(request) {
                            continue;
                        }
                    }
                    if to_server.write_all(&frame(&body)).await.is_err() {
                        return;
                    }
                    if request.as_ref().is_some_and(|r| r.method() == "exit") {
                        // The process must end promptly after `exit`,
                        // whatever the client does with its end.
                        exit.notify_one();
                    }
                }
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => return, // EOF: dropping to_server ends the server.
            Ok(n) => framer.push(&chunk[..n]),
        }
    }
}

/// The length of the first complete frame tower-lsp wrote (its own output is
/// always `Content-Length: n\r\n\r\n` + body).
fn output_frame(buf: &[u8]) -> Option<usize> {
    let end = find(buf, b"\r\n\r\n")?;
    let headers = std::str::from_utf8(&buf[..end]).ok()?;
    let length = headers.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())?
    })?;
    (buf.len() >= end + 4 + length).then_some(end + 4 + length)
}

/// Copies tower-lsp's output frames and the proxy's replies to the client,
/// each frame whole.
pub async fn pump_output<W: AsyncWrite + Unpin>(
    mut from_server: DuplexStream,
    mut replies: mpsc::Receiver<Vec<u8>>,
    mut output: W,
) {
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut server_open = true;
    let mut replies_open = true;
    loop {
        // Write out every complete frame the server produced.
        while let Some(n) = output_frame(&buf) {
            if output.write_all(&buf[..n]).await.is_err() {
                return;
            }
            buf.drain(..n);
            let _ = output.flush().await;
        }
        tokio::select! {
            read = from_server.read(&mut chunk), if server_open => match read {
                Ok(0) | Err(_) => server_open = false,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            },
            reply = replies.recv(), if replies_open => match reply {
                Some(bytes) => {
                    if output.write_all(&bytes).await.is_err() {
                        return;
                    }
                    let _ = output.flush().await;
                }
                None => replies_open = false,
            },
            else => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    /// Feeds `input` (in chunks of `chunk` bytes) and collects every event.
    fn run(input: &[u8], chunk: usize) -> Vec<Event> {
        let mut f = Framer::new();
        let mut out = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            f.push(piece);
            while let Some(e) = f.next() {
                out.push(e);
            }
        }
        out
    }

    fn reply_json(e: &Event) -> Option<Value> {
        match e {
            Event::Reply(bytes) => {
                let start = find(bytes, b"\r\n\r\n")? + 4;
                serde_json::from_slice(&bytes[start..]).ok()
            }
            Event::Message { .. } => None,
        }
    }

    fn methods(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Message {
                    request: Some(r), ..
                } => Some(r.method().to_string()),
                _ => None,
            })
            .collect()
    }

    fn errors(events: &[Event]) -> Vec<(i64, Value)> {
        events
            .iter()
            .filter_map(reply_json)
            .map(|v| (v["error"]["code"].as_i64().unwrap_or(0), v["id"].clone()))
            .collect()
    }

    fn request(id: i64, method: &str) -> Vec<u8> {
        frame(
            json!({"jsonrpc": "2.0", "id": id, "method": method, "params": {}})
                .to_string()
                .as_bytes(),
        )
    }

    fn raw(body: &str) -> Vec<u8> {
        frame(body.as_bytes())
    }

    /// Each bad input, then a valid request: the bad one gets `code` with
    /// `id`, the valid one goes through.
    #[test]
    fn each_malformed_message_gets_its_error_and_the_next_is_served() {
        let cases: &[(&[u8], i64, Value)] = &[
            (b"Content-Length: 0\r\n\r\n", PARSE_ERROR, Value::Null),
            (&raw("{not json"), PARSE_ERROR, Value::Null),
            (&raw("\u{feff}{}"), PARSE_ERROR, Value::Null),
            (&raw("{\"hello\": \"world\"}"), INVALID_REQUEST, Value::Null),
            (&raw("[1, 2]"), INVALID_REQUEST, Value::Null),
            (&raw("\"text\""), INVALID_REQUEST, Value::Null),
            (&raw("null"), INVALID_REQUEST, Value::Null),
            (
                &raw(r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#),
                INVALID_REQUEST,
                Value::Null,
            ),
            (
                &raw(r#"{"jsonrpc":"2.0","id":1e3,"method":"x"}"#),
                INVALID_REQUEST,
                Value::Null,
            ),
            (
                &raw(r#"{"jsonrpc":"2.0","id":{},"method":"x"}"#),
                INVALID_REQUEST,
                Value::Null,
            ),
            (
                &raw(r#"{"jsonrpc":"2.0","id":[1],"method":"x"}"#),
                INVALID_REQUEST,
                Value::Null,
            ),
            (
                &raw(r#"{"jsonrpc":"2.0","id":true,"method":"x"}"#),
                INVALID_REQUEST,
                Value::Null,
            ),
            (
                &raw(r#"{"jsonrpc":"2.0","id":1180591620717411303424,"method":"x"}"#),
                INVALID_REQUEST,
                Value::Null,
            ),
            (
                &raw(r#"{"jsonrpc":"2.0","id":7,"method":42}"#),
                INVALID_REQUEST,
                json!(7),
            ),
            (
                &raw(r#"{"jsonrpc":"1.0","id":8,"method":"x"}"#),
                INVALID_REQUEST,
                json!(8),
            ),
            (
                &raw(r#"{"jsonrpc":null,"id":"s","method":"x"}"#),
                INVALID_REQUEST,
                json!("s"),
            ),
            (&raw(r#"{"id":9,"method":"x"}"#), INVALID_REQUEST, json!(9)),
            (
                &raw(r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}"#),
                INVALID_REQUEST,
                Value::Null,
            ),
            (
                &raw(r#"{"jsonrpc":"2.0","method":"x","method":"y"}"#),
                INVALID_REQUEST,
                Value::Null,
            ),
            // A response with neither result nor error: the id is the
            // client's own, so the answer's is null.
            (
                &raw(r#"{"jsonrpc":"2.0","id":3}"#),
                INVALID_REQUEST,
                Value::Null,
            ),
            (b"Content-Length: banana\r\n\r\n", PARSE_ERROR, Value::Null),
            (b"Content-Length: -5\r\n\r\n", PARSE_ERROR, Value::Null),
            (
                b"Content-Length: 99999999999999999999999\r\n\r\n",
                PARSE_ERROR,
                Value::Null,
            ),
            (
                b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
                PARSE_ERROR,
                Value::Null,
            ),
            (b"Content-Type: x\r\n\r\n{}", PARSE_ERROR, Value::Null),
            (b"hello world\r\n\r\n", PARSE_ERROR, Value::Null),
            (b"\x00\xff\xfe garbage", PARSE_ERROR, Value::Null),
            (
                b"Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc",
                PARSE_ERROR,
                Value::Null,
            ),
            // A length too long for its body: the next header is inside it.
            (
                b"Content-Length: 200\r\n\r\n{\"a\":",
                PARSE_ERROR,
                Value::Null,
            ),
            (b"Content-Length: 5\r\n\r\n", PARSE_ERROR, Value::Null),
        ];
        for (bad, code, id) in cases {
            for chunk in [1, 7, 4096] {
                let mut input = bad.to_vec();
                input.extend(request(77, "textDocument/hover"));
                let events = run(&input, chunk);
                assert_eq!(
                    methods(&events),
                    ["textDocument/hover"],
                    "{:?} in chunks of {chunk}",
                    String::from_utf8_lossy(bad)
                );
                let errs = errors(&events);
                assert!(
                    !errs.is_empty() && errs[0] == (*code, id.clone()),
                    "{:?} in chunks of {chunk}: {errs:?}",
                    String::from_utf8_lossy(bad)
                );
            }
        }
    }

    #[test]
    fn valid_shapes_go_through_untouched() {
        let bodies = [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            r#"{"jsonrpc":"2.0","id":"abc","method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":null,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
            r#"{"jsonrpc":"2.0","id":5,"result":{"success":true}}"#,
            r#"{"jsonrpc":"2.0","id":5,"error":{"code":-1,"message":"no"}}"#,
            r#"{"jsonrpc":"2.0","id":-9223372036854775808,"method":"x"}"#,
        ];
        for body in bodies {
            let events = run(&raw(body), 3);
            assert_eq!(events.len(), 1, "{body}");
            match &events[0] {
                Event::Message { body: b, .. } => assert_eq!(b, body.as_bytes()),
                Event::Reply(r) => panic!("{body}: {}", String::from_utf8_lossy(r)),
            }
        }
    }

    #[test]
    fn header_variants_are_parsed() {
        let body = r#"{"jsonrpc":"2.0","id":1,"method":"m"}"#;
        let n = body.len();
        let variants = [
            format!("Content-Length: {n}\n\n{body}"),
            format!("Content-Length: {n}\r\n\n{body}"),
            format!("content-length:{n}\r\n\r\n{body}"),
            format!("CONTENT-LENGTH:   {n}  \r\n\r\n{body}"),
            format!(
                "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: {n}\r\n\r\n{body}"
            ),
            format!("Content-Length: {n}\r\nX-Other: 1\r\n\r\n{body}"),
            format!("\r\n\r\nContent-Length: {n}\r\n\r\n{body}"),
        ];
        for v in variants {
            for chunk in [1, 2, 5, 1000] {
                let mut input = v.clone().into_bytes();
                input.extend(request(2, "after"));
                let events = run(&input, chunk);
                assert_eq!(methods(&events), ["m", "after"], "{v:?} / {chunk}");
                assert!(errors(&events).is_empty(), "{v:?} / {chunk}");
            }
        }
    }

    #[test]
    fn an_lf_only_frame_does_not_swallow_the_next_request() {
        let mut input = b"Content-Length: 13\n\n{\"broken\": 1}".to_vec();
        input.extend(request(3, "textDocument/hover"));
        let events = run(&input, 4096);
        assert_eq!(methods(&events), ["textDocument/hover"]);
        assert_eq!(errors(&events), [(INVALID_REQUEST, Value::Null)]);
    }

    #[test]
    fn oversize_frames_are_discarded_by_count() {
        let mut f = Framer::new();
        f.push(format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE + 10).as_bytes());
        assert!(matches!(f.next(), Some(Event::Reply(_))));
        // The body (which could hold anything, even headers) is dropped.
        let inside = b"Content-Length: 2\r\n\r\n{}";
        f.push(inside);
        f.push(&vec![b'x'; MAX_MESSAGE + 10 - inside.len()]);
        assert!(f.next().is_none());
        assert!(f.buf.is_empty());
        f.push(&request(4, "next"));
        let events: Vec<Event> = std::iter::from_fn(|| f.next()).collect();
        assert_eq!(methods(&events), ["next"]);
        assert!(errors(&events).is_empty());
    }

    #[test]
    fn garbage_is_skipped_in_bounded_memory() {
        let mut f = Framer::new();
        for _ in 0..100 {
            f.push(&[b'x'; 10_000]);
            while f.next().is_some() {}
            assert!(f.buf.len() <= MAX_HEADER + 10_000);
        }
        f.push(&request(5, "still"));
        let events: Vec<Event> = std::iter::from_fn(|| f.next()).collect();
        assert_eq!(methods(&events), ["still"]);
    }

    #[test]
    fn output_frames_are_split_whole() {
        let a = request(1, "a");
        let mut both = a.clone();
        both.extend(request(2, "b"));
        assert_eq!(output_frame(&both), Some(a.len()));
        assert_eq!(output_frame(&a[..a.len() - 1]), None);
        assert_eq!(output_frame(b""), None);
    }

    /// Whether `bytes` hold a `Content-Length` (any case) whose digits name
    /// more than [`MAX_MESSAGE`] bytes.
    fn declares_oversize(bytes: &[u8]) -> bool {
        let lower = bytes.to_ascii_lowercase();
        let key = b"content-length:";
        (0..lower.len()).any(|i| {
            lower[i..].starts_with(key) && {
                let rest = &lower[i + key.len()..];
                let digits: Vec<u8> = rest
                    .iter()
                    .copied()
                    .skip_while(|b| *b == b' ' || *b == b'\t')
                    .take_while(u8::is_ascii_digit)
                    .collect();
                std::str::from_utf8(&digits)
                    .ok()
                    .and_then(|d| d.parse::<usize>().ok())
                    .is_some_and(|n| n > MAX_MESSAGE)
            }
        })
    }

    #[test]
    fn oversize_declarations_are_recognised() {
        let over = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE + 1);
        assert!(declares_oversize(over.as_bytes()));
        assert!(declares_oversize(b"xxcontent-length:  270000000"));
        assert!(!declares_oversize(b"Content-Length: 270\r\n"));
        assert!(!declares_oversize(
            format!("Content-Length: {MAX_MESSAGE}").as_bytes()
        ));
    }

    fn junk() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..40),
            Just(b"Content-Length: ".to_vec()),
            Just(b"content-length:".to_vec()),
            Just(b"Content-Type: x".to_vec()),
            Just(b"Content-Le".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n\r\n".to_vec()),
            Just(b"{".to_vec()),
            Just(b"}".to_vec()),
            Just(b"\"".to_vec()),
            Just(b":".to_vec()),
            "[0-9]{1,4}".prop_map(String::into_bytes),
            Just(br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#.to_vec()),
        ];
        proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Random bytes between valid requests: every valid request is
        /// handed on, in order, whatever the junk and the chunking.
        #[test]
        fn every_valid_request_survives_junk_between_them(
            junks in proptest::collection::vec(junk(), 1..6),
            chunk in 1usize..300,
        ) {
            // Junk that declares a body larger than the limit makes its
            // bytes be discarded by count, whatever they hold (a client
            // really sends them): `oversize_frames_are_discarded_by_count`.
            prop_assume!(!junks.iter().any(|j| declares_oversize(j)));
            let mut input = Vec::new();
            let mut expected = Vec::new();
            for (i, j) in junks.iter().enumerate() {
                input.extend(j);
                let method = format!("valid/{i}");
                input.extend(request(1000 + i as i64, &method));
                expected.push(method);
            }
            let events = run(&input, chunk);
            let got: Vec<String> = methods(&events)
                .into_iter()
                .filter(|m| m.starts_with("valid/"))
                .collect();
            prop_assert_eq!(got, expected, "{:?}", String::from_utf8_lossy(&input));
        }
    }
}
