//! Edge compression of fetched objects: `set beresp.gzip = true` or `set beresp.brotli =
//! true` in `vcl_fetch` compresses the body before it is stored and delivered, and marks it
//! with `Content-Encoding` (Fastly's compression guide; semantics §8.2). A response the
//! origin already encoded is left as it is: "Disabling this will not uncompress an object
//! compressed by the origin", and nothing is encoded twice. Choosing which clients get
//! the compressed variant (`Vary: Accept-Encoding`, the Accept-Encoding test) is VCL's job,
//! as in Fastly's generated compression policy.

use std::io::Write;

use bytes::Bytes;

use crate::interp::state::Headers;

/// The encoding `vcl_fetch` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Gzip,
    Brotli,
}

impl Encoding {
    /// What `beresp.gzip` / `beresp.brotli` ask of a response with these headers and
    /// status: nothing when the origin already encoded it or the status has no body.
    pub(crate) fn requested(gzip: bool, brotli: bool, status: i64, headers: &Headers) -> Option<Encoding> {
        let encoded =
            headers.get(b"content-encoding").is_some_and(|v| !v.trim_ascii().eq_ignore_ascii_case(b"identity"));
        if encoded || status == 204 || status == 304 {
            return None;
        }
        match (gzip, brotli) {
            (true, _) => Some(Encoding::Gzip),
            (false, true) => Some(Encoding::Brotli),
            (false, false) => None,
        }
    }

    pub(crate) fn token(self) -> &'static [u8] {
        match self {
            Encoding::Gzip => b"gzip",
            Encoding::Brotli => b"br",
        }
    }

    /// The compressed body. Level 6 gzip and quality 5 brotli: the usual balance for
    /// objects compressed once and served many times.
    pub(crate) fn compress(self, body: &[u8]) -> Bytes {
        let out = match self {
            Encoding::Gzip => {
                let mut enc =
                    flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3 + 64), flate2::Compression::new(6));
                // Writing to a Vec cannot fail.
                enc.write_all(body).and_then(|()| enc.finish()).unwrap_or_default()
            }
            Encoding::Brotli => {
                let mut out = Vec::with_capacity(body.len() / 3 + 64);
                let params = brotli::enc::BrotliEncoderParams { quality: 5, ..Default::default() };
                let mut input = body;
                match brotli::BrotliCompress(&mut input, &mut out, &params) {
                    Ok(_) => out,
                    Err(_) => Vec::new(),
                }
            }
        };
        Bytes::from(out)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn gzip_and_brotli_round_trip() {
        let body = "hello, compressible world. ".repeat(100);
        let gz = Encoding::Gzip.compress(body.as_bytes());
        assert!(gz.len() < body.len() / 4, "{}", gz.len());
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut plain).unwrap();
        assert_eq!(plain, body);
        let br = Encoding::Brotli.compress(body.as_bytes());
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut plain).unwrap();
        assert_eq!(plain, body.as_bytes());
    }

    #[test]
    fn origin_encoded_and_bodiless_responses_are_left_alone() {
        let mut h = Headers::new();
        assert_eq!(Encoding::requested(true, false, 200, &h), Some(Encoding::Gzip));
        assert_eq!(Encoding::requested(false, true, 200, &h), Some(Encoding::Brotli));
        assert_eq!(Encoding::requested(false, false, 200, &h), None);
        assert_eq!(Encoding::requested(true, false, 304, &h), None);
        h.set(b"Content-Encoding", Bytes::from_static(b"identity"));
        assert_eq!(Encoding::requested(true, false, 200, &h), Some(Encoding::Gzip));
        h.set(b"Content-Encoding", Bytes::from_static(b"br"));
        assert_eq!(Encoding::requested(true, false, 200, &h), None);
    }
}
