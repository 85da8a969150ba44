//! Request-smuggling guard for HTTP/1: watches the bytes hyper reads and flags a request
//! whose head carries both `Transfer-Encoding` and `Content-Length`, or whose head is
//! larger than the limit (hyper bounds only its read buffer, so a head that arrives whole
//! in one read can exceed it).
//!
//! hyper accepts such a request (chunked wins, the connection closes after it), which
//! RFC 9112 §6.1 allows; but the pair is the classic smuggling shape, and a front-end
//! edge should refuse it outright (400), as most CDNs do. hyper does not tell its caller
//! that the pair was present (it drops `Content-Length`), so this wrapper follows the
//! HTTP/1 framing itself — each head, then its body by `Content-Length` or chunked
//! encoding — and queues one verdict per request head, in order; the server pops one per
//! request hyper hands it (HTTP/1 requests on a connection are handled in order). It
//! stops following (and flags nothing more) on anything it cannot frame — h2c prior
//! knowledge, an upgrade, an oversized head — where hyper either does not need it or
//! rejects the request itself.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0";

/// What the guard thinks of one request head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Fine,
    /// `Transfer-Encoding` and `Content-Length` together: 400.
    Ambiguous,
    /// Head larger than the limit: 431.
    TooLarge,
}

/// Verdicts for the requests of one connection, oldest first.
#[derive(Clone, Debug, Default)]
pub(crate) struct Verdicts(Arc<Mutex<VecDeque<Verdict>>>);

impl Verdicts {
    /// The verdict on the next request hyper delivers.
    pub(crate) fn next(&self) -> Verdict {
        match self.0.lock() {
            Ok(mut q) => q.pop_front().unwrap_or(Verdict::Fine),
            Err(_) => Verdict::Fine,
        }
    }

    fn push(&self, v: Verdict) {
        if let Ok(mut q) = self.0.lock() {
            q.push_back(v);
        }
    }
}

/// A connection (TCP, or TLS over it) whose reads are followed by the framing sniffer.
pub(crate) struct GuardedStream<S> {
    inner: S,
    sniffer: Sniffer,
}

impl<S> GuardedStream<S> {
    /// Wraps `inner`; heads over `max_head` bytes get [`Verdict::TooLarge`].
    pub(crate) fn new(inner: S, max_head: usize) -> (GuardedStream<S>, Verdicts) {
        let verdicts = Verdicts::default();
        (GuardedStream { inner, sniffer: Sniffer::new(verdicts.clone(), max_head) }, verdicts)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for GuardedStream<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &result {
            this.sniffer.feed(&buf.filled()[before..]);
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for GuardedStream<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[derive(Debug, PartialEq)]
enum State {
    /// Reading a request head (bytes so far in `head`).
    Head,
    /// `n` body bytes left.
    Fixed(u64),
    /// A chunk-size line (bytes so far in `line`).
    ChunkSize,
    /// `n` chunk bytes left, then CRLF.
    ChunkData(u64),
    /// The CRLF after chunk data (bytes left).
    ChunkEnd(u8),
    /// Trailer lines until an empty one.
    Trailers,
    /// Not following any more.
    Off,
}

struct Sniffer {
    state: State,
    head: Vec<u8>,
    line: Vec<u8>,
    first: bool,
    max_head: usize,
    verdicts: Verdicts,
}

impl Sniffer {
    fn new(verdicts: Verdicts, max_head: usize) -> Sniffer {
        Sniffer { state: State::Head, head: Vec::new(), line: Vec::new(), first: true, max_head, verdicts }
    }

    fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            match self.state {
                State::Off => return,
                State::Head => {
                    if self.head.is_empty() {
                        // Empty lines before a request are tolerated (RFC 9112 §2.2).
                        let skip = data.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
                        data = &data[skip..];
                        if data.is_empty() {
                            return;
                        }
                    }
                    let start = self.head.len();
                    self.head.extend_from_slice(data);
                    if self.first {
                        let n = self.head.len().min(H2_PREFACE.len());
                        if self.head[..n] == H2_PREFACE[..n] {
                            if n == H2_PREFACE.len() {
                                self.state = State::Off;
                            }
                            return;
                        }
                    }
                    match find_head_end(&self.head, start.saturating_sub(3)) {
                        Some(end) => {
                            let consumed = end - start;
                            self.first = false;
                            let (verdict, next) = judge(&self.head[..end], self.max_head);
                            self.verdicts.push(verdict);
                            self.state = next;
                            self.head.clear();
                            data = &data[consumed..];
                        }
                        None => {
                            // Far past the limit hyper has refused the request already.
                            if self.head.len() > self.max_head.saturating_mul(2).max(64 * 1024) {
                                self.state = State::Off;
                            }
                            return;
                        }
                    }
                }
                State::Fixed(n) => {
                    let take = (n.min(data.len() as u64)) as usize;
                    data = &data[take..];
                    let left = n - take as u64;
                    self.state = if left == 0 { State::Head } else { State::Fixed(left) };
                }
                State::ChunkSize | State::Trailers => {
                    let Some(nl) = data.iter().position(|&b| b == b'\n') else {
                        self.line.extend_from_slice(data);
                        if self.line.len() > 4096 {
                            self.state = State::Off;
                        }
                        return;
                    };
                    self.line.extend_from_slice(&data[..nl]);
                    data = &data[nl + 1..];
                    let line = std::mem::take(&mut self.line);
                    let line = line.strip_suffix(b"\r").unwrap_or(&line);
                    self.state = if self.state == State::Trailers {
                        if line.is_empty() {
                            State::Head
                        } else {
                            State::Trailers
                        }
                    } else {
                        match chunk_size(line) {
                            Some(0) => State::Trailers,
                            Some(n) => State::ChunkData(n),
                            None => State::Off,
                        }
                    };
                }
                State::ChunkData(n) => {
                    let take = (n.min(data.len() as u64)) as usize;
                    data = &data[take..];
                    let left = n - take as u64;
                    self.state = if left == 0 { State::ChunkEnd(2) } else { State::ChunkData(left) };
                }
                State::ChunkEnd(n) => {
                    // CRLF (a bare LF is tolerated).
                    let b = data[0];
                    data = &data[1..];
                    self.state = match (n, b) {
                        (2, b'\r') => State::ChunkEnd(1),
                        (_, b'\n') => State::ChunkSize,
                        _ => State::Off,
                    };
                }
            }
        }
    }
}

/// The verdict on a complete head, and how its body is framed.
fn judge(head: &[u8], max_head: usize) -> (Verdict, State) {
    let mut te: Option<bool> = None; // Some(chunked is the last coding)
    let mut cl: Option<Option<u64>> = None;
    let mut upgrade = false;
    for line in head.split(|&b| b == b'\n').skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else { continue };
        let (name, value) = (line[..colon].trim_ascii(), line[colon + 1..].trim_ascii());
        if name.eq_ignore_ascii_case(b"transfer-encoding") {
            let last = value.rsplit(|&b| b == b',').next().unwrap_or(b"").trim_ascii();
            te = Some(last.eq_ignore_ascii_case(b"chunked"));
        } else if name.eq_ignore_ascii_case(b"content-length") {
            cl = Some(std::str::from_utf8(value).ok().and_then(|v| v.parse::<u64>().ok()));
        } else if name.eq_ignore_ascii_case(b"upgrade") {
            upgrade = true;
        }
    }
    if te.is_some() && cl.is_some() {
        // hyper closes the connection after such a request: nothing more to follow.
        return (Verdict::Ambiguous, State::Off);
    }
    if head.len() > max_head {
        return (Verdict::TooLarge, State::Off);
    }
    let next = match (te, cl) {
        // An upgrade leaves HTTP/1 after the response.
        _ if upgrade => State::Off,
        (Some(true), _) => State::ChunkSize,
        (Some(false), _) => State::Off,
        (None, Some(Some(0))) | (None, None) => State::Head,
        (None, Some(Some(n))) => State::Fixed(n),
        (None, Some(None)) => State::Off,
    };
    (Verdict::Fine, next)
}

/// The end of a head (`\r\n\r\n` or `\n\n`), as an offset just past it.
fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < buf.len() {
        if buf[i] == b'\n' {
            if buf.get(i + 1) == Some(&b'\n') {
                return Some(i + 2);
            }
            if buf.get(i + 1) == Some(&b'\r') && buf.get(i + 2) == Some(&b'\n') {
                return Some(i + 3);
            }
        }
        i += 1;
    }
    None
}

fn chunk_size(line: &[u8]) -> Option<u64> {
    let hex = line.split(|&b| b == b';').next()?.trim_ascii();
    u64::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdicts(input: &[&[u8]]) -> Vec<bool> {
        let v = Verdicts::default();
        let mut s = Sniffer::new(v.clone(), 1024);
        for part in input {
            s.feed(part);
        }
        let q = v.0.lock().unwrap();
        q.iter().map(|v| *v == Verdict::Ambiguous).collect()
    }

    #[test]
    fn follows_bodies_and_flags_te_with_cl() {
        let plain = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        let post = b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
        let chunked = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n\r\n\r\n\r\n0\r\n\r\n";
        let bad = b"POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        let all = [&plain[..], post, chunked, plain, bad].concat();
        assert_eq!(verdicts(&[&all]), [false, false, false, false, true]);
        // Byte by byte gives the same answer.
        let bytes: Vec<&[u8]> = all.chunks(1).collect();
        assert_eq!(verdicts(&bytes), [false, false, false, false, true]);
    }

    #[test]
    fn flags_oversized_heads() {
        let v = Verdicts::default();
        let mut s = Sniffer::new(v.clone(), 64);
        s.feed(format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(100)).as_bytes());
        assert_eq!(v.next(), Verdict::TooLarge);
    }

    #[test]
    fn stops_on_h2_preface() {
        assert!(verdicts(&[b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"]).is_empty());
    }
}
