//! Response bodies: a buffered `Bytes` (hits, synthetic responses, stored misses) or a
//! stream fed by a task reading the rest of an origin body that was too large to
//! buffer. A stream that fails midway ends with an error, so the client sees a cut
//! connection rather than a short body presented as complete (Fastly does the same when
//! headers are already sent). A body can be watched ([`Body::watched`]): told, once, how
//! much of it went out and whether all of it did (what `vcl_log` runs on).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body as _, Frame, Incoming, SizeHint};
use tokio::sync::mpsc;

use super::ProxyError;
use crate::backend::BodyTimer;

/// The body of a response the proxy writes.
#[derive(Debug)]
pub enum Body {
    Full(Option<Bytes>),
    Stream { rx: mpsc::Receiver<Result<Bytes, ProxyError>>, len: Option<u64> },
    Watched(Box<Watched>),
}

/// What a watched body reports when it is done: the body bytes handed to the connection
/// and whether the whole body went (false: it failed or the client left first).
pub type OnDone = Box<dyn FnOnce(u64, bool) + Send>;

/// A body that counts what it hands out and reports once, when it ends or is dropped.
pub struct Watched {
    inner: Body,
    sent: u64,
    ended: bool,
    done: Option<OnDone>,
}

impl std::fmt::Debug for Watched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watched").field("inner", &self.inner).field("sent", &self.sent).finish()
    }
}

impl Watched {
    fn report(&mut self) {
        if let Some(done) = self.done.take() {
            // A connection may stop polling once it has the length it announced.
            let whole = self.ended || self.inner.is_end_stream() || self.inner.exact_len() == Some(self.sent);
            done(self.sent, whole);
        }
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.report();
    }
}

impl Body {
    pub fn empty() -> Body {
        Body::Full(None)
    }

    pub fn full(b: Bytes) -> Body {
        if b.is_empty() {
            Body::Full(None)
        } else {
            Body::Full(Some(b))
        }
    }

    /// `inner`, reporting to `done` once it is over (see [`OnDone`]).
    pub fn watched(inner: Body, done: OnDone) -> Body {
        Body::Watched(Box::new(Watched { inner, sent: 0, ended: false, done: Some(done) }))
    }

    /// The body's length when it is known in advance.
    pub fn exact_len(&self) -> Option<u64> {
        match self {
            Body::Full(b) => Some(b.as_ref().map_or(0, |b| b.len() as u64)),
            Body::Stream { len, .. } => *len,
            Body::Watched(w) => w.inner.exact_len(),
        }
    }

    /// `prefix` followed by the rest of an origin body, each frame within `timer`'s
    /// limits; `len` is the declared Content-Length, if any.
    pub fn stream(prefix: Bytes, mut rest: Incoming, timer: BodyTimer, len: Option<u64>) -> Body {
        let (tx, rx) = mpsc::channel(8);
        tokio::spawn(async move {
            if !prefix.is_empty() && tx.send(Ok(prefix)).await.is_err() {
                return;
            }
            loop {
                let item = match timer.frame(&mut rest).await {
                    Ok(None) => return,
                    Err(e) => Err(ProxyError::Upstream(e)),
                    Ok(Some(frame)) => match frame.into_data() {
                        Ok(data) => Ok(data),
                        Err(_) => continue,
                    },
                };
                let failed = item.is_err();
                if tx.send(item).await.is_err() || failed {
                    return;
                }
            }
        });
        Body::Stream { rx, len }
    }

    /// `body` sent `chunk` bytes at a time, each after waiting `interval` (`resp.tarpit`).
    pub fn paced(body: Bytes, interval: Duration, chunk: usize) -> Body {
        let (tx, rx) = mpsc::channel(1);
        let len = Some(body.len() as u64);
        tokio::spawn(async move {
            let chunk = chunk.max(1);
            let mut at = 0;
            while at < body.len() {
                tokio::time::sleep(interval).await;
                let end = (at + chunk).min(body.len());
                if tx.send(Ok(body.slice(at..end))).await.is_err() {
                    return;
                }
                at = end;
            }
        });
        Body::Stream { rx, len }
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = ProxyError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, ProxyError>>> {
        match self.get_mut() {
            Body::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Body::Stream { rx, .. } => rx.poll_recv(cx).map(|item| item.map(|r| r.map(Frame::data))),
            Body::Watched(w) => {
                let polled = Pin::new(&mut w.inner).poll_frame(cx);
                match &polled {
                    Poll::Ready(Some(Ok(frame))) => {
                        w.sent += frame.data_ref().map_or(0, |d| d.len() as u64);
                        if w.inner.is_end_stream() {
                            w.ended = true;
                            w.report();
                        }
                    }
                    Poll::Ready(None) => {
                        w.ended = true;
                        w.report();
                    }
                    Poll::Ready(Some(Err(_))) => w.report(),
                    Poll::Pending => {}
                }
                polled
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Watched(w) => w.inner.is_end_stream(),
            other => matches!(other, Body::Full(None)),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self.exact_len() {
            Some(n) => SizeHint::with_exact(n),
            None => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;

    /// `resp.tarpit(5, 1000)`: "wait for 5 seconds before emitting each 1000 bytes" (Fastly's
    /// resp.tarpit reference). Time is paused: the sleeps are virtual.
    #[tokio::test(start_paused = true)]
    async fn paced_bodies_wait_before_each_chunk() {
        let start = tokio::time::Instant::now();
        let mut body = Body::paced(Bytes::from(vec![b'x'; 2500]), Duration::from_secs(5), 1000);
        let mut sizes = Vec::new();
        while let Some(frame) = body.frame().await {
            sizes.push((frame.unwrap().into_data().unwrap().len(), start.elapsed().as_secs()));
        }
        assert_eq!(sizes, [(1000, 5), (1000, 10), (500, 15)]);
    }
}
