//! Response bodies: a buffered `Bytes` (hits, synthetic responses, stored misses) or a
//! stream fed by a task reading the rest of an origin body that was too large to
//! buffer. A stream that fails midway ends with an error, so the client sees a cut
//! connection rather than a short body presented as complete (Fastly does the same when
//! headers are already sent).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Frame, Incoming, SizeHint};
use tokio::sync::mpsc;

use super::ProxyError;
use crate::backend::BodyTimer;

/// The body of a response the proxy writes.
#[derive(Debug)]
pub enum Body {
    Full(Option<Bytes>),
    Stream { rx: mpsc::Receiver<Result<Bytes, ProxyError>>, len: Option<u64> },
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
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Body::Stream { len: Some(n), .. } => SizeHint::with_exact(*n),
            Body::Stream { len: None, .. } => SizeHint::default(),
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
