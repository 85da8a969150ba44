//! Per-request state: the HTTP messages VCL reads and writes (`req`, `bereq`, `beresp`,
//! `obj`, `resp`), locals, regex groups, and the request's bookkeeping. The interpreter
//! reads and writes it through resolved handles; the proxy fills and drains it.

use std::net::{IpAddr, Ipv4Addr};

use bytes::Bytes;

use super::ascii::{lower, words};
use super::value::{Obj, Value};

/// An ordered, case-insensitive multimap of header fields.
#[derive(Debug)]
pub struct Headers {
    fields: Vec<Field>,
    /// Some name may occur more than once (only `add` makes that so); when not, `set`
    /// and `unset` stop at the first instance.
    repeated: bool,
    /// An index of the fields by name: each name's key selects one of 64 slots, which
    /// holds 1 + the position of the first field whose name selects it (0: no field
    /// does; [`FAR`]: past what a byte holds, so look from the start). A name whose slot
    /// is empty is not in the list, so most of what VCL asks (fields that are not there)
    /// costs one load, and a field that is there is usually the one its slot names.
    slots: [u8; 64],
}

impl Default for Headers {
    fn default() -> Headers {
        Headers { fields: Vec::new(), repeated: false, slots: [0; 64] }
    }
}

/// A slot of [`Headers::slots`] whose first field lies too far to be named in a byte.
const FAR: u8 = u8::MAX;

/// One header field, with its name's folded words (or, for long names, a key of them):
/// looking a name up compares words the field holds, without reading the name's bytes.
#[derive(Debug, Clone)]
struct Field {
    /// The name's [`Name::id`].
    id: (u64, u64),
    name: Bytes,
    value: Bytes,
}

impl Field {
    fn new(name: Bytes, value: Bytes) -> Field {
        Field { id: Name::new(&name).id, name, value }
    }

    fn slot(&self) -> usize {
        slot(self.id, self.name.len())
    }
}

impl PartialEq for Headers {
    fn eq(&self, other: &Headers) -> bool {
        self.fields.len() == other.fields.len()
            && self.fields.iter().zip(&other.fields).all(|(a, b)| a.name == b.name && a.value == b.value)
    }
}

/// Fields a header list has room for beyond what it holds when it is copied or first
/// written: VCL adds a handful of fields per request, and growing the list would
/// allocate on the request path.
const SPARE_FIELDS: usize = 12;

/// Header-list storage kept for reuse on each thread, Varnish-workspace style: a request
/// ends by dropping its lists and the next one on the thread takes their storage, so
/// copying or starting a list does not go through the allocator (lists of a
/// thousand-odd bytes are past glibc's per-thread cache, and its slow path costs more
/// than the rest of the copy).
mod spare {
    use std::cell::RefCell;

    use super::Field;

    /// Lists kept per thread.
    const KEPT: usize = 32;
    /// Largest list storage kept, in fields (a list that grew past it is freed).
    const LARGEST: usize = 64;

    thread_local! {
        static LISTS: RefCell<Vec<Vec<Field>>> = const { RefCell::new(Vec::new()) };
    }

    /// Empty storage for at least `n` fields.
    pub(super) fn take(n: usize) -> Vec<Field> {
        let kept = LISTS.try_with(|l| l.try_borrow_mut().ok().and_then(|mut l| l.pop())).ok().flatten();
        match kept {
            Some(mut list) => {
                list.reserve(n);
                list
            }
            None => Vec::with_capacity(n),
        }
    }

    /// Keeps a list's storage for [`take`] (its fields are dropped here).
    pub(super) fn give(mut list: Vec<Field>) {
        if list.capacity() == 0 || list.capacity() > LARGEST {
            return;
        }
        list.clear();
        let _ = LISTS.try_with(|l| {
            if let Ok(mut l) = l.try_borrow_mut() {
                if l.len() < KEPT {
                    l.push(list);
                }
            }
        });
    }
}

impl Drop for Headers {
    fn drop(&mut self) {
        spare::give(std::mem::take(&mut self.fields));
    }
}

impl Clone for Headers {
    fn clone(&self) -> Headers {
        if self.fields.is_empty() {
            return Headers::default();
        }
        let mut fields = spare::take(self.fields.len() + SPARE_FIELDS);
        fields.extend(self.fields.iter().cloned());
        Headers { fields, repeated: self.repeated, slots: self.slots }
    }
}

impl Headers {
    pub fn new() -> Headers {
        Headers::default()
    }

    /// The first value of a field.
    pub fn get(&self, name: &[u8]) -> Option<&Bytes> {
        self.find(&Name::new(name))
    }

    /// [`Headers::get`] by a prepared name.
    pub fn get_named(&self, name: &HeaderName) -> Option<&Bytes> {
        self.find(name)
    }

    fn find(&self, name: &impl Lookup) -> Option<&Bytes> {
        self.position(name).map(|at| &self.fields[at].value)
    }

    /// Where the first instance of `name` is: usually where its slot says.
    #[inline(always)]
    fn position(&self, name: &impl Lookup) -> Option<usize> {
        match self.slots[name.slot()] {
            0 => None,
            FAR => self.scan_from(name, 0),
            p => {
                let at = usize::from(p - 1);
                // The first field of the name's slot; a field of another name that
                // shares the slot may come first, and then the name is further on.
                if name.matches(&self.fields[at]) {
                    Some(at)
                } else {
                    self.scan_from(name, at + 1)
                }
            }
        }
    }

    /// The first instance of `name` from `from` on (apart from the fast path of
    /// [`Headers::position`], so that path needs few registers).
    #[inline(never)]
    fn scan_from(&self, name: &impl Lookup, from: usize) -> Option<usize> {
        self.fields[from..].iter().position(|f| name.matches(f)).map(|i| from + i)
    }

    pub fn get_all<'a>(&'a self, name: &'a [u8]) -> impl Iterator<Item = &'a Bytes> + 'a {
        let name = Name::new(name);
        self.fields.iter().filter(move |f| name.matches(f)).map(|f| &f.value)
    }

    pub fn contains(&self, name: &[u8]) -> bool {
        self.get(name).is_some()
    }

    /// Replaces every instance of a field with one value (VCL `set`).
    pub fn set(&mut self, name: &[u8], value: Bytes) {
        let name = Name::new(name);
        if let Err(value) = self.replace(&name, value) {
            self.push(Field { id: name.id, name: Bytes::copy_from_slice(name.name), value });
        }
    }

    /// [`Headers::set`] with a name the caller already holds as `Bytes` (compiled header
    /// names): a new field shares it instead of copying.
    pub fn set_shared(&mut self, name: &Bytes, value: Bytes) {
        if let Err(value) = self.replace(&Name::new(name), value) {
            self.push(Field::new(name.clone(), value));
        }
    }

    /// [`Headers::set`] by a prepared name (shared, not copied, when the field is new).
    #[inline(always)]
    pub fn set_named(&mut self, name: &HeaderName, value: Bytes) {
        if let Err(value) = self.replace(name, value) {
            self.push_at(name.slot, Field { id: name.id, name: name.bytes.clone(), value });
        }
    }

    /// Puts `value` in the first instance of `name` and drops the others; gives the value
    /// back when there is no such field.
    #[inline(always)]
    fn replace(&mut self, name: &impl Lookup, value: Bytes) -> Result<(), Bytes> {
        let Some(first) = self.position(name) else { return Err(value) };
        self.fields[first].value = value;
        let rest = first + 1;
        if self.repeated && self.fields[rest..].iter().any(|f| name.matches(f)) {
            let mut i = 0;
            self.fields.retain(|f| {
                i += 1;
                i <= rest || !name.matches(f)
            });
            self.reindex();
        }
        Ok(())
    }

    fn push(&mut self, field: Field) {
        self.push_at(field.slot(), field)
    }

    #[inline(always)]
    fn push_at(&mut self, slot: usize, field: Field) {
        if self.fields.capacity() == 0 {
            self.fields = spare::take(SPARE_FIELDS);
        }
        let slot = &mut self.slots[slot];
        if *slot == 0 {
            *slot = u8::try_from(self.fields.len() + 1).unwrap_or(FAR);
        }
        self.fields.push(field);
    }

    /// Rebuilds [`Headers::slots`] after fields were removed (the positions moved).
    fn reindex(&mut self) {
        self.slots = [0; 64];
        for (at, f) in self.fields.iter().enumerate() {
            let slot = &mut self.slots[f.slot()];
            if *slot == 0 {
                *slot = u8::try_from(at + 1).unwrap_or(FAR);
            }
        }
    }

    /// Appends an instance, noting when the name was already there.
    fn append(&mut self, field: Field) {
        if !self.repeated && self.position(&Name::new(&field.name)).is_some() {
            self.repeated = true;
        }
        self.push(field);
    }

    /// [`Headers::add`] with a compiled header name (shared, not copied).
    pub fn add_shared(&mut self, name: &Bytes, value: Bytes) {
        self.append(Field::new(name.clone(), value));
    }

    /// Appends another instance (VCL `add`).
    pub fn add(&mut self, name: &[u8], value: Bytes) {
        self.append(Field::new(Bytes::copy_from_slice(name), value));
    }

    /// Removes every instance of a field (VCL `unset`).
    pub fn remove(&mut self, name: &[u8]) {
        self.remove_by(&Name::new(name))
    }

    /// [`Headers::remove`] by a prepared name.
    pub fn remove_named(&mut self, name: &HeaderName) {
        self.remove_by(name)
    }

    fn remove_by(&mut self, name: &impl Lookup) {
        let Some(first) = self.position(name) else { return };
        self.fields.remove(first);
        if self.repeated {
            self.fields.retain(|f| !name.matches(f));
        }
        self.reindex();
    }

    /// Removes every field whose name starts with `prefix` (`unset req.http.X-*`).
    pub fn remove_prefix(&mut self, prefix: &[u8]) {
        self.fields.retain(|f| {
            let n = &f.name;
            !(n.len() >= prefix.len() && n[..prefix.len()].eq_ignore_ascii_case(prefix))
        });
        self.reindex();
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Bytes, &Bytes)> {
        self.fields.iter().map(|f| (&f.name, &f.value))
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&[u8], &[u8]) -> bool) {
        self.fields.retain(|f| keep(&f.name, &f.value));
        self.reindex();
    }
}

/// Header names compare case-insensitively (ASCII letters only).
#[cfg(test)]
fn same_name(a: &[u8], b: &[u8]) -> bool {
    Name::new(b).matches(&Field::new(Bytes::copy_from_slice(a), Bytes::new()))
}

/// A header name prepared once, where a compiled program names a header: what a lookup
/// would otherwise work out from the name on every call.
#[derive(Debug, Clone)]
pub struct HeaderName {
    bytes: Bytes,
    id: (u64, u64),
    slot: usize,
}

impl HeaderName {
    pub fn new(bytes: Bytes) -> HeaderName {
        let id = Name::new(&bytes).id;
        HeaderName { slot: slot(id, bytes.len()), id, bytes }
    }

    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

/// What a header lookup compares fields with: a name prepared for one call ([`Name`]) or
/// once for a compiled program ([`HeaderName`]).
trait Lookup {
    fn id(&self) -> (u64, u64);
    /// The name's slot in [`Headers::slots`].
    fn slot(&self) -> usize;
    fn name(&self) -> &[u8];

    /// Whether `field` has this name, ignoring ASCII case.
    #[inline(always)]
    fn matches(&self, field: &Field) -> bool {
        let name = self.name();
        field.id == self.id()
            && field.name.len() == name.len()
            && (name.len() <= 16 || field.name.eq_ignore_ascii_case(name))
    }
}

impl Lookup for HeaderName {
    #[inline(always)]
    fn id(&self) -> (u64, u64) {
        self.id
    }

    #[inline(always)]
    fn slot(&self) -> usize {
        self.slot
    }

    #[inline(always)]
    fn name(&self) -> &[u8] {
        &self.bytes
    }
}

impl Lookup for Name<'_> {
    #[inline(always)]
    fn id(&self) -> (u64, u64) {
        self.id
    }

    #[inline(always)]
    fn slot(&self) -> usize {
        slot(self.id, self.name.len())
    }

    #[inline(always)]
    fn name(&self) -> &[u8] {
        self.name
    }
}

/// The slot of [`Headers::slots`] a name selects.
#[inline(always)]
fn slot(id: (u64, u64), len: usize) -> usize {
    let key = id.0 ^ id.1.rotate_left(32) ^ (len as u64) << 56;
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
}

/// A header name being looked for, with its [`Name::id`].
struct Name<'a> {
    name: &'a [u8],
    /// Names of up to 16 bytes: their two words ([`words`]) with letters folded, which
    /// with the length identify the name exactly. Longer names: a key of their first
    /// sixteen bytes and last eight, folded, which a lookup confirms byte by byte.
    id: (u64, u64),
}

impl<'a> Name<'a> {
    #[inline(always)]
    fn new(name: &'a [u8]) -> Name<'a> {
        match words(name) {
            Some((a, b)) => Name { name, id: (lower(a), lower(b)) },
            None => {
                let word = |at: usize| lower(u64::from_le_bytes(name[at..at + 8].try_into().unwrap_or([0; 8])));
                Name { name, id: (word(0) ^ word(8).rotate_left(32), word(name.len() - 8)) }
            }
        }
    }
}

/// One HTTP message as VCL sees it.
#[derive(Debug, Default, PartialEq)]
pub struct Message {
    pub method: Bytes,
    pub url: Bytes,
    pub proto: Bytes,
    pub status: i64,
    pub response: Bytes,
    pub headers: Headers,
}

impl Clone for Message {
    /// Most of a request's messages are empty when its state is copied (`bereq`, `obj`,
    /// `resp` before they are made): an empty string is made anew rather than cloned
    /// through its vtable.
    fn clone(&self) -> Message {
        let share = |b: &Bytes| if b.is_empty() { Bytes::new() } else { b.clone() };
        Message {
            method: share(&self.method),
            url: share(&self.url),
            proto: share(&self.proto),
            status: self.status,
            response: share(&self.response),
            headers: self.headers.clone(),
        }
    }
}

/// Caching decisions and metadata VCL reads and writes (`beresp.ttl`, `obj.hits`, ...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CacheMeta {
    /// Nanoseconds.
    pub ttl: i64,
    pub grace: i64,
    pub stale_if_error: i64,
    pub stale_while_revalidate: i64,
    pub cacheable: bool,
    pub hits: i64,
    /// Nanoseconds since the epoch.
    pub stored_at: i64,
    pub age: i64,
    /// `obj.lastuse`: nanoseconds since the object was last delivered.
    pub lastuse: i64,
    /// `beresp.pci` / `beresp.hipaa`: keep the object out of non-volatile memory (on a
    /// hit, both read as the stored object's flag, `obj.is_pci`).
    pub pci: bool,
    pub hipaa: bool,
}

/// What the TLS handshake with the client settled, as VCL reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TlsClient {
    /// `tls.client.protocol`: `TLSv1.2` or `TLSv1.3`.
    pub protocol: Bytes,
    /// `tls.client.cipher`: the suite's OpenSSL name, e.g. `ECDHE-RSA-AES128-GCM-SHA256`.
    pub cipher: Bytes,
    /// `tls.client.servername`: the SNI the client sent, empty when it sent none.
    pub servername: Bytes,
}

/// `re.group.0` ... `re.group.19` of the last successful match: the subject (shared, not
/// copied) and where each group lies in it. Saving and restoring them around a call
/// copies one reference and a small array, and a group is sliced out only when read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReGroups {
    subject: Bytes,
    spans: crate::ir::GroupSpans,
}

impl Default for ReGroups {
    fn default() -> ReGroups {
        ReGroups { subject: Bytes::new(), spans: crate::ir::GroupSpans::NONE }
    }
}

impl ReGroups {
    /// `re.group.N`, `None` when not set.
    pub fn get(&self, n: usize) -> Option<Bytes> {
        self.part(n).map(|(subject, range)| subject.slice(range))
    }

    /// `re.group.N` in place: the subject and where the group lies in it.
    pub fn part(&self, n: usize) -> Option<(&Bytes, std::ops::Range<usize>)> {
        // A span always lies in its subject; checked all the same, so that a slip shows
        // as a group not set rather than a panic.
        let (start, end) = self.spans.get(n)?;
        (start <= end && end <= self.subject.len()).then_some((&self.subject, start..end))
    }

    /// Whether no group is set.
    pub fn is_empty(&self) -> bool {
        self.spans == crate::ir::GroupSpans::NONE
    }

    /// After a successful match of `subject`: its groups, as the regex found them.
    /// After a successful match of a pattern without groups: `re.group.0` only.
    pub fn record_whole(&mut self, subject: Bytes, span: (usize, usize)) {
        self.subject = subject;
        self.spans.set_whole(span);
    }

    pub fn record(&mut self, subject: Bytes, spans: &crate::ir::GroupSpans) {
        self.subject = subject;
        self.spans.copy_from(spans);
    }
}

/// Why a stale object is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleReason {
    /// Inside stale-if-error: the origin failed or is sick.
    Error,
    /// Inside stale-while-revalidate: a background fetch refreshes it.
    Revalidating,
}

/// Everything one request carries through VCL.
#[derive(Debug, Clone)]
pub struct ReqState {
    pub req: Message,
    pub bereq: Message,
    pub beresp: Message,
    pub obj: Message,
    pub resp: Message,
    pub cache: CacheMeta,
    /// `re.group.0` ... `re.group.19` of the most recent successful `~` match.
    pub re_groups: ReGroups,
    pub restarts: i64,
    pub backend: Option<u32>,
    /// What `vcl_hash` added with `set req.hash += ...`.
    pub hash_input: Vec<u8>,
    pub client_ip: IpAddr,
    /// `client.identity` when VCL set it (otherwise the client IP).
    pub client_identity: Option<Bytes>,
    /// Backends a test marked unhealthy (by index); they read as sick whatever the
    /// runtime's health table (the proxy's probes) says.
    pub sick_backends: Vec<u32>,
    pub server_ip: IpAddr,
    pub server_hostname: Bytes,
    pub server_identity: Bytes,
    pub server_datacenter: Bytes,
    /// The service this request runs for (`req.service_id`).
    pub service_id: Bytes,
    /// The cache generation purge-all advances (`req.vcl.generation`).
    pub vcl_generation: i64,
    /// The service version this request runs (`req.vcl.version`).
    pub vcl_version: i64,
    /// Where this node runs and for whom, as its configuration says (`None`: nothing
    /// configured).
    pub site: Option<std::sync::Arc<SiteInfo>>,
    /// Nanoseconds since the epoch when the request started.
    pub time_start: i64,
    /// The current time (injected: tests fix it, the proxy reads the clock).
    pub now: i64,
    pub fastly_error: Value,
    /// `fastly_info.state`: `MISS`, `HIT`, `PASS`, ...
    pub fastly_state: &'static str,
    pub synthetic: Option<Bytes>,
    pub esi: bool,
    pub hash_always_miss: bool,
    pub hash_ignore_busy: bool,
    pub is_tls: bool,
    /// The client's TLS connection (`tls.client.*`); `None` on plain HTTP.
    pub tls_client: Option<TlsClient>,
    /// Lines written by `log`.
    pub log: Vec<Bytes>,
    /// xorshift state for `randombool`/`randomint`/`randomstr` (seeded per request).
    pub rng: u64,
    /// `req.xid`: this request's number (the proxy numbers requests; tests set it).
    pub xid: u64,
    /// The random half of `fastly_info.request_id` (the proxy draws one per request).
    pub request_id: u64,
    /// The request arrived as `PURGE` (`req.is_purge`; the proxy sets it).
    pub is_purge: bool,
    /// The client's and the server's TCP ports (`client.port`, `server.port`).
    pub client_port: u16,
    pub server_port: u16,
    /// The cache lookup found a stale copy of the object (`stale.exists`; the proxy sets
    /// it).
    pub stale_exists: bool,
    /// Why the response being delivered is stale, if it is (`resp.stale*`; the proxy
    /// sets it when it serves a stale object).
    pub resp_stale: Option<StaleReason>,
    /// `bereq.connect_timeout`, `first_byte_timeout`, `between_bytes_timeout` and
    /// `fetch_timeout` as VCL set them (nanoseconds); unset, the first three read as the
    /// backend's declared values and the fetch timeout as 0 (none).
    pub bereq_timeouts: [Option<i64>; 4],
    /// How stale an object this request accepts, past its expiry, in nanoseconds
    /// (`req.max_stale_if_error`, alias `req.grace`, and `req.max_stale_while_revalidate`):
    /// the object's own windows are cut to these. Unbounded unless VCL sets them.
    pub max_stale_if_error: i64,
    pub max_stale_while_revalidate: i64,
    /// Body bytes the response handed to the connection, and whether all of it went
    /// (`resp.body_bytes_written`, `resp.completed`; set before `vcl_log`).
    pub resp_body_bytes: u64,
    pub resp_completed: bool,
    /// When `vcl_deliver` started (`time.to_first_byte`), in nanoseconds since the epoch.
    pub deliver_started: Option<i64>,
    /// The request went through `vcl_error` (`resp.is_locally_generated`).
    pub went_through_error: bool,
    /// The request body as the client sent it (the proxy buffers it; `req.body`).
    pub req_body: Bytes,
    /// The `Host` header as the client sent it (`fastly_info.host_header`).
    pub client_host: Option<Bytes>,
    /// What VCL asked of the connection (`h2.push`, `early_hints`, `resp.tarpit`, ...).
    pub edge: super::builtins::edge::EdgeRequests,
    /// `client.geo.ip_override` when VCL set it.
    pub geo_ip_override: Option<Bytes>,
    /// The geolocation of this request, looked up on first use (reset when
    /// `client.geo.ip_override` changes).
    pub geo: std::sync::OnceLock<super::geo::GeoLookup>,
    /// Requests so far on the client's connection, this one included (`client.requests`).
    pub client_requests: u64,
    /// This request is a stale-while-revalidate refresh (`req.is_background_fetch`).
    pub is_background_fetch: bool,
    /// Where the last backend fetch went (`beresp.backend.*`, `req.backend.ip` / `.port`).
    pub fetched_from: Option<OriginConn>,
    /// `lacquer test` only: mocks, the call log, the last state, a failed assertion.
    pub testing: Option<Box<crate::testing::TestState>>,
}

/// `req.max_stale_*` before VCL sets them: no limit. Fastly reads them then as
/// 9223372036.854s (falco's observed default: the largest nanosecond count, in whole
/// milliseconds).
pub const MAX_STALE_UNSET: i64 = 9_223_372_036_854 * 1_000_000;

/// What the node's configuration says about where it runs and for whom; each is not set
/// unless configured (lacquer cannot know Fastly's regions or account ids).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SiteInfo {
    /// `server.region`.
    pub region: Option<Bytes>,
    /// `server.billing_region`.
    pub billing_region: Option<Bytes>,
    /// `req.customer_id`.
    pub customer_id: Option<Bytes>,
}

/// The backend a fetch went to and the connection's two ends (when the connector reports
/// them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OriginConn {
    /// Index of the backend in the program.
    pub backend: u32,
    pub remote: Option<std::net::SocketAddr>,
    pub local: Option<std::net::SocketAddr>,
    /// The TLS version of the connection (`backend.conn.tls_protocol`); `None`: plain.
    pub tls_protocol: Option<&'static str>,
    /// Responses the connection had carried, this one included
    /// (`beresp.backend.requests`).
    pub requests: u64,
    /// Milliseconds this fetch waited to open its connection (TCP and TLS); 0 on a reused
    /// connection (`beresp.handshake_time_to_origin_ms`).
    pub handshake_ms: i64,
}

impl Default for ReqState {
    fn default() -> ReqState {
        ReqState {
            req: Message {
                method: Bytes::from_static(b"GET"),
                url: Bytes::from_static(b"/"),
                proto: Bytes::from_static(b"HTTP/1.1"),
                ..Message::default()
            },
            bereq: Message::default(),
            beresp: Message::default(),
            obj: Message::default(),
            resp: Message::default(),
            cache: CacheMeta::default(),
            re_groups: Default::default(),
            restarts: 0,
            backend: None,
            hash_input: Vec::new(),
            client_ip: IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
            client_identity: None,
            sick_backends: Vec::new(),
            server_ip: IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)),
            server_hostname: Bytes::from_static(b"localhost"),
            server_identity: Bytes::from_static(b"lacquer"),
            server_datacenter: Bytes::from_static(b"LCL"),
            service_id: Bytes::from_static(b"local"),
            vcl_generation: 1,
            vcl_version: 1,
            site: None,
            time_start: 0,
            now: 0,
            fastly_error: Value::NotSet,
            fastly_state: "NONE",
            synthetic: None,
            esi: false,
            hash_always_miss: false,
            hash_ignore_busy: false,
            is_tls: false,
            tls_client: None,
            log: Vec::new(),
            rng: 0x9E37_79B9_7F4A_7C15,
            xid: 1,
            request_id: 0x5EED_0000_0000_0001,
            is_purge: false,
            client_port: 0,
            server_port: 0,
            stale_exists: false,
            resp_stale: None,
            bereq_timeouts: [None; 4],
            max_stale_if_error: MAX_STALE_UNSET,
            max_stale_while_revalidate: MAX_STALE_UNSET,
            resp_body_bytes: 0,
            resp_completed: false,
            deliver_started: None,
            went_through_error: false,
            req_body: Bytes::new(),
            client_host: None,
            edge: Default::default(),
            geo_ip_override: None,
            geo: std::sync::OnceLock::new(),
            client_requests: 1,
            is_background_fetch: false,
            fetched_from: None,
            testing: None,
        }
    }
}

impl ReqState {
    pub fn message(&self, obj: Obj) -> &Message {
        match obj {
            Obj::Req => &self.req,
            Obj::Bereq => &self.bereq,
            Obj::Beresp => &self.beresp,
            Obj::Obj => &self.obj,
            Obj::Resp => &self.resp,
        }
    }

    pub fn message_mut(&mut self, obj: Obj) -> &mut Message {
        match obj {
            Obj::Req => &mut self.req,
            Obj::Bereq => &mut self.bereq,
            Obj::Beresp => &mut self.beresp,
            Obj::Obj => &mut self.obj,
            Obj::Resp => &mut self.resp,
        }
    }

    /// Sets `fastly.error` (functions report EINVAL, ERANGE, EREGRECUR ... this way).
    pub fn set_error(&mut self, code: &'static str) {
        self.fastly_error = Value::String(Bytes::from_static(code.as_bytes()));
    }

    /// Next pseudo-random number (xorshift64*).
    pub fn next_random(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copied_header_list_keeps_its_fields_and_order() {
        let mut h = Headers::new();
        h.add(b"A", Bytes::from_static(b"1"));
        h.add(b"B", Bytes::from_static(b"2"));
        h.add(b"a", Bytes::from_static(b"3"));
        let mut copy = h.clone();
        assert_eq!(copy, h);
        // `set` keeps the first instance's place and drops the later ones.
        copy.set_shared(&Bytes::from_static(b"A"), Bytes::from_static(b"4"));
        let fields: Vec<_> = copy.iter().map(|(n, v)| (&n[..], &v[..])).collect();
        assert_eq!(fields, [(&b"A"[..], &b"4"[..]), (&b"B"[..], &b"2"[..])]);
        assert_eq!(Headers::new().clone(), Headers::new());
    }

    #[test]
    fn a_dropped_list_lends_its_storage_and_nothing_else() {
        let mut h = Headers::new();
        h.set(b"A", Bytes::from_static(b"1"));
        h.set(b"B", Bytes::from_static(b"2"));
        let at = h.fields.as_ptr();
        drop(h);
        let mut next = Headers::new();
        next.set(b"C", Bytes::from_static(b"3"));
        assert_eq!(next.fields.as_ptr(), at, "the storage comes back on this thread");
        assert_eq!(next.len(), 1);
        assert_eq!(next.get(b"A"), None);
        assert_eq!(next.get(b"C"), Some(&Bytes::from_static(b"3")));
        // A copy takes kept storage too, sized for its fields and the spare ones.
        let copy = next.clone();
        assert!(copy.fields.capacity() > SPARE_FIELDS);
        assert_eq!(copy, next);
    }

    #[test]
    fn headers_are_case_insensitive_and_set_replaces_all() {
        let mut h = Headers::new();
        h.add(b"Set-Cookie", Bytes::from_static(b"a=1"));
        h.add(b"set-cookie", Bytes::from_static(b"b=2"));
        assert_eq!(h.get_all(b"SET-COOKIE").count(), 2);
        h.set(b"Set-Cookie", Bytes::from_static(b"c=3"));
        assert_eq!(h.get_all(b"set-cookie").collect::<Vec<_>>(), [&Bytes::from_static(b"c=3")]);
        h.add(b"X-A", Bytes::new());
        h.add(b"x-b", Bytes::new());
        h.remove_prefix(b"X-");
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn a_removed_field_is_gone_and_can_come_back() {
        // The slot index follows removals: positions move when a field goes.
        let mut h = Headers::new();
        assert_eq!(h.get(b"X-A"), None);
        h.set(b"X-A", Bytes::from_static(b"1"));
        h.remove(b"x-a");
        assert_eq!(h.get(b"X-A"), None);
        h.remove(b"X-A");
        h.set_named(&HeaderName::new(Bytes::from_static(b"x-A")), Bytes::from_static(b"2"));
        assert_eq!(h.get(b"X-a"), Some(&Bytes::from_static(b"2")));
        let copy = h.clone();
        assert_eq!(copy.get_named(&HeaderName::new(Bytes::from_static(b"X-A"))), Some(&Bytes::from_static(b"2")));
        // More fields than slots (every slot shared) and than a slot can point at.
        for i in 0..300 {
            h.add(format!("X-{i}").as_bytes(), Bytes::from(i.to_string()));
        }
        let value = |h: &Headers, i: usize| h.get(format!("x-{i}").as_bytes()).cloned();
        assert!((0..300).all(|i| value(&h, i) == Some(Bytes::from(i.to_string()))));
        assert!(!h.contains(b"X-300"));
        // Removing fields moves the later ones; every lookup still finds its own.
        for i in (0..300).step_by(7) {
            h.remove(format!("X-{i}").as_bytes());
        }
        h.retain(|name, _| name != b"X-299");
        for i in 0..300 {
            let expect = (i % 7 != 0 && i != 299).then(|| Bytes::from(i.to_string()));
            assert_eq!(value(&h, i), expect, "X-{i}");
        }
    }

    #[test]
    fn word_comparisons_agree_with_byte_comparisons() {
        // Every length up to past the word path, names differing in one byte or in case
        // only, and the token characters whose codes differ by 0x20 (`^`/`~`, `@`/`` ` ``).
        let alphabet = b"aAzZ-_^~@`[{09";
        for len in 0..20 {
            for (i, &x) in alphabet.iter().enumerate() {
                for &y in &alphabet[i..] {
                    for at in 0..len {
                        let a: Vec<u8> = (0..len).map(|k| if k == at { x } else { b"Xy-Z"[k % 4] }).collect();
                        let b: Vec<u8> = (0..len).map(|k| if k == at { y } else { b"Xy-Z"[k % 4] }).collect();
                        assert_eq!(crate::interp::ascii::same_bytes(&a, &b), a == b, "{a:?} {b:?}");
                        assert_eq!(same_name(&a, &b), a.eq_ignore_ascii_case(&b), "{a:?} {b:?}");
                        let upper = b.to_ascii_uppercase();
                        assert_eq!(same_name(&a, &upper), a.eq_ignore_ascii_case(&upper), "{a:?} {upper:?}");
                    }
                }
            }
        }
        assert!(!crate::interp::ascii::same_bytes(b"GET", b"GE"));
        assert!(same_name(b"X-Canonical-Host", b"x-canonical-host"));
        assert!(!same_name(b"Strict-Transport-Security", b"Strict-Transport-Securitx"));
    }

    #[test]
    fn unset_removes_every_instance_and_set_keeps_one() {
        // Fastly: `unset req.http.X` removes the header whatever its count; `set` leaves one.
        let mut h = Headers::new();
        h.set(b"Vary", Bytes::from_static(b"a"));
        h.set(b"vary", Bytes::from_static(b"b"));
        assert_eq!(h.get_all(b"VARY").collect::<Vec<_>>(), [&Bytes::from_static(b"b")], "set replaces in place");
        h.add(b"Vary", Bytes::from_static(b"c"));
        h.add(b"X", Bytes::from_static(b"1"));
        h.add(b"VARY", Bytes::from_static(b"d"));
        assert_eq!(h.get_all(b"vary").count(), 3);
        h.remove(b"Vary");
        assert_eq!(h.get(b"vary"), None, "every instance is gone");
        assert_eq!(h.len(), 1);
        h.add(b"Y", Bytes::from_static(b"1"));
        h.add(b"y", Bytes::from_static(b"2"));
        h.set(b"Y", Bytes::from_static(b"3"));
        let fields: Vec<_> = h.iter().map(|(n, v)| (&n[..], &v[..])).collect();
        assert_eq!(fields, [(&b"X"[..], &b"1"[..]), (&b"Y"[..], &b"3"[..])]);
    }
}
