//! `StoredHeaders`: a cached object's response headers in one allocation.
//!
//! A million cached objects with a dozen headers each make header bookkeeping matter: a
//! `Vec<(Bytes, Bytes)>` costs 64 bytes of handles per field on top of the text. Here every
//! name and value sits in one shared buffer and each field is three `u32` offsets (12 bytes).
//! Reading a field as `Bytes` is a slice of the buffer (a reference-count bump, no copy).

use bytes::{Bytes, BytesMut};

/// One field: `buf[start..split]` is the name, `buf[split..end]` the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Field {
    start: u32,
    split: u32,
    end: u32,
}

/// Response headers packed into one buffer, in the order received. Immutable once built.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StoredHeaders {
    buf: Bytes,
    fields: Box<[Field]>,
}

impl StoredHeaders {
    /// Packs `(name, value)` pairs. Panics only if the text exceeds 4 GiB, which no HTTP head
    /// can (hyper and the server limits cap a head far below that).
    pub fn from_pairs<'a, I>(pairs: I) -> StoredHeaders
    where
        I: IntoIterator<Item = (&'a [u8], &'a [u8])>,
        I::IntoIter: Clone,
    {
        let pairs = pairs.into_iter();
        let size: usize = pairs.clone().map(|(n, v)| n.len() + v.len()).sum();
        let offset = |n: usize| u32::try_from(n).expect("a header block over 4 GiB");
        let mut buf = BytesMut::with_capacity(size);
        let mut fields = Vec::with_capacity(pairs.clone().count());
        for (name, value) in pairs {
            let start = offset(buf.len());
            buf.extend_from_slice(name);
            let split = offset(buf.len());
            buf.extend_from_slice(value);
            fields.push(Field { start, split, end: offset(buf.len()) });
        }
        StoredHeaders { buf: buf.freeze(), fields: fields.into_boxed_slice() }
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Bytes of names and values together.
    pub fn text_len(&self) -> usize {
        self.buf.len()
    }

    /// Fields as borrowed byte slices, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> + Clone + '_ {
        self.fields
            .iter()
            .map(|f| (&self.buf[f.start as usize..f.split as usize], &self.buf[f.split as usize..f.end as usize]))
    }

    /// Fields as shared `Bytes` slices of the buffer (no copy), in order.
    pub fn iter_shared(&self) -> impl Iterator<Item = (Bytes, Bytes)> + '_ {
        self.fields.iter().map(|f| {
            (self.buf.slice(f.start as usize..f.split as usize), self.buf.slice(f.split as usize..f.end as usize))
        })
    }

    /// The first value of a field, by case-insensitive name.
    pub fn get(&self, name: &[u8]) -> Option<&[u8]> {
        self.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }
}

impl From<Vec<(Bytes, Bytes)>> for StoredHeaders {
    fn from(pairs: Vec<(Bytes, Bytes)>) -> StoredHeaders {
        StoredHeaders::from_pairs(pairs.iter().map(|(n, v)| (&n[..], &v[..])))
    }
}

impl std::fmt::Debug for StoredHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|(n, v)| (String::from_utf8_lossy(n), String::from_utf8_lossy(v))))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_in_order_with_empty_values() {
        let h =
            StoredHeaders::from_pairs([(&b"Content-Type"[..], &b"text/plain"[..]), (b"X-Empty", b""), (b"x-a", b"1")]);
        assert_eq!(h.len(), 3);
        let got: Vec<_> = h.iter().collect();
        assert_eq!(got, vec![(&b"Content-Type"[..], &b"text/plain"[..]), (b"X-Empty", b""), (b"x-a", b"1")]);
        assert_eq!(h.text_len(), "Content-Typetext/plainX-Emptyx-a1".len());
        assert_eq!(h.get(b"content-type"), Some(&b"text/plain"[..]));
        assert_eq!(h.get(b"missing"), None);
        let shared: Vec<_> = h.iter_shared().collect();
        assert_eq!(shared[2], (Bytes::from_static(b"x-a"), Bytes::from_static(b"1")));
    }

    #[test]
    fn empty_block_has_no_fields() {
        let h = StoredHeaders::from(Vec::new());
        assert!(h.is_empty());
        assert_eq!(h.iter().count(), 0);
    }
}
