//! A framing proxy between the client and tower-lsp-server.
//!
//! tower-lsp-server reads stdin through tokio-util's `FramedRead`, which ends
//! the stream after the first decode error: one malformed frame (bad JSON, a
//! garbled `Content-Length`) would end the session. This proxy reads the
//! client's bytes itself, resynchronizes on the next `Content-Length:` header
//! after garbage, answers a malformed message with a JSON-RPC error (id
//! `null`, as the spec asks) and hands only well-formed JSON objects to
//! tower-lsp. Output frames from tower-lsp and the proxy's own errors are
//! written to stdout whole, never interleaved.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;

/// The largest message accepted (larger ones are answered with an error and skipped).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// Frames a JSON body.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn error_response(code: i64, message: &str) -> Vec<u8> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": code, "message": message},
    });
    frame(body.to_string().as_bytes())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What the buffer starts with.
enum Next {
    /// Need more bytes.
    More,
    /// A complete frame: header length, body length.
    Frame(usize, usize),
    /// Garbage up to this offset (the next header, or everything).
    Skip(usize, &'static str),
}

fn next_frame(buf: &[u8]) -> Next {
    const HEADER: &[u8] = b"Content-Length:";
    // Skip anything before the first header (garbage after a bad frame).
    match find(buf, HEADER) {
        None => {
            // Keep a possible partial "Content-Length:" at the end.
            let keep = HEADER.len().min(buf.len());
            return if buf.len() > 64 * 1024 {
                Next::Skip(buf.len() - keep, "unframed input skipped")
            } else {
                Next::More
            };
        }
        Some(0) => {}
        Some(start) => {
            let lower = String::from_utf8_lossy(&buf[..start]).to_ascii_lowercase();
            // Other headers (Content-Type) may come first within one header block.
            if !lower.contains("\r\n\r\n") && lower.starts_with("content-type:") {
            } else {
                return Next::Skip(start, "unframed input skipped");
            }
        }
    }
    let Some(end) = find(buf, b"\r\n\r\n") else {
        return if buf.len() > 8 * 1024 {
            Next::Skip(HEADER.len(), "header too long")
        } else {
            Next::More
        };
    };
    let headers = String::from_utf8_lossy(&buf[..end]);
    let mut length = None;
    for line in headers.split("\r\n") {
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let header_len = end + 4;
    match length {
        None => Next::Skip(header_len, "invalid Content-Length header"),
        Some(n) if n > MAX_MESSAGE => Next::Skip(header_len, "message too large"),
        Some(n) if buf.len() >= header_len + n => Next::Frame(header_len, n),
        Some(_) => Next::More,
    }
}

/// Copies client input to tower-lsp, validating frames. Malformed messages are
/// answered through `errors`.
pub async fn pump_input<R: AsyncRead + Unpin>(
    mut input: R,
    mut to_server: DuplexStream,
    errors: mpsc::Sender<Vec<u8>>,
    exit: std::sync::Arc<tokio::sync::Notify>,
) {
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        loop {
            match next_frame(&buf) {
                Next::More => break,
                Next::Skip(n, why) => {
                    // Bounded: a client flooding garbage without reading loses errors, not memory.
                    let _ = errors.try_send(error_response(-32700, &format!("Parse error: {why}")));
                    buf.drain(..n);
                }
                Next::Frame(header, len) => {
                    let body = &buf[header..header + len];
                    match serde_json::from_slice::<serde_json::Value>(body) {
                        Ok(v) if v.is_object() && v.get("jsonrpc").is_some() => {
                            if to_server.write_all(&frame(body)).await.is_err() {
                                return;
                            }
                            if v.get("method").and_then(|m| m.as_str()) == Some("exit") {
                                // The process must end promptly after `exit`,
                                // whatever the client does with its end.
                                exit.notify_one();
                            }
                        }
                        Ok(_) => {
                            let _ = errors.try_send(error_response(-32600, "Invalid request"));
                        }
                        Err(e) => {
                            let _ = errors
                                .try_send(error_response(-32700, &format!("Parse error: {e}")));
                            // A wrong length may have swallowed the next
                            // header: resynchronize inside the body.
                            if let Some(pos) = find(&body[1..], b"Content-Length:") {
                                buf.drain(..header + 1 + pos);
                                continue;
                            }
                        }
                    }
                    buf.drain(..header + len);
                }
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => return, // EOF: dropping to_server ends the server.
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Copies tower-lsp's output frames and the proxy's error responses to the
/// client, each frame whole.
pub async fn pump_output<W: AsyncWrite + Unpin>(
    mut from_server: DuplexStream,
    mut errors: mpsc::Receiver<Vec<u8>>,
    mut output: W,
) {
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut server_open = true;
    let mut errors_open = true;
    loop {
        // Write out every complete frame the server produced.
        while let Next::Frame(header, len) = next_frame(&buf) {
            if output.write_all(&buf[..header + len]).await.is_err() {
                return;
            }
            buf.drain(..header + len);
            let _ = output.flush().await;
        }
        tokio::select! {
            read = from_server.read(&mut chunk), if server_open => match read {
                Ok(0) | Err(_) => server_open = false,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            },
            err = errors.recv(), if errors_open => match err {
                Some(bytes) => {
                    if output.write_all(&bytes).await.is_err() {
                        return;
                    }
                    let _ = output.flush().await;
                }
                None => errors_open = false,
            },
            else => return,
        }
    }
}
