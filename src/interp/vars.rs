//! Reading and writing resolved variables on a request's state.

use bytes::{Bytes, BytesMut};

use super::geo::GeoLookup;
use super::state::{ReqState, SiteInfo, StaleReason};
use super::value::{int_bytes, Value};
use super::Runtime;
use crate::ir::{BVar, Program, Var};

const MS: i64 = 1_000_000;
const US: i64 = 1_000;
const S: i64 = 1_000_000_000;
/// Fastly's `req.body` limit (8KB).
const REQ_BODY_LIMIT: usize = 8 * 1024;

pub fn get(state: &ReqState, program: &Program, runtime: &Runtime, var: &Var) -> Value {
    match var {
        Var::Header(obj, name) => {
            state.message(*obj).headers.get(name).map_or(Value::NotSet, |v| Value::String(v.clone()))
        }
        Var::HeaderField(obj, name, key) => match state.message(*obj).headers.get(name) {
            Some(v) => field_get(v, key, separator(name)).map_or(Value::NotSet, Value::String),
            None => Value::NotSet,
        },
        Var::HeaderPrefix(..) => Value::NotSet,
        Var::ReGroup(n) => state.re_groups.get(*n as usize).map_or(Value::NotSet, Value::String),
        Var::BackendHealthy(b) => Value::Bool(healthy(state, program, runtime, *b)),
        // What the proxy's pool holds for the backend: fetches in flight (each on one
        // connection) and connections open, idle ones included (0 outside `serve`).
        Var::BackendConnections { backend, used: true } => {
            Value::Integer(i64::from(runtime.health.in_flight(*backend)))
        }
        Var::BackendConnections { backend, used: false } => {
            Value::Integer(i64::from(runtime.health.open_connections(*backend)))
        }
        Var::RateCounter { rc, rate: false, seconds } => {
            Value::Integer(runtime.rate.bucket_last(*rc, *seconds, state.now))
        }
        Var::RateCounter { rc, rate: true, seconds } => Value::Float(runtime.rate.rate_last(*rc, *seconds, state.now)),
        Var::Builtin(b) => get_builtin(state, program, runtime, *b),
    }
}

/// A variable the state holds as a byte string, borrowed rather than cloned:
/// `Some(Some(bytes))` when set, `Some(None)` when not set, `None` for a variable that is
/// computed (read it with [`get`]). Agrees with [`get`] on every variable it answers for.
pub fn peek<'s>(st: &'s ReqState, var: &Var) -> Option<Option<&'s Bytes>> {
    match var {
        Var::Header(obj, name) => Some(st.message(*obj).headers.get(name)),
        Var::Builtin(b) => string_field(*b).map(|field| Some(field(st))),
        _ => None,
    }
}

/// Reads a string variable the state holds as bytes.
pub type StringField = for<'s> fn(&'s ReqState) -> &'s Bytes;

/// The state field a string variable is, for the variables [`peek`] reads in place (the
/// compiled program reads them through it without matching the variable per request).
pub fn string_field(b: BVar) -> Option<StringField> {
    use BVar::*;
    Some(match b {
        ReqMethod => |st| &st.req.method,
        ReqUrl | ReqTopurl => |st| &st.req.url,
        ReqProto => |st| &st.req.proto,
        BereqMethod => |st| &st.bereq.method,
        BereqUrl => |st| &st.bereq.url,
        BereqProto => |st| &st.bereq.proto,
        BerespResponse => |st| &st.beresp.response,
        BerespProto => |st| &st.beresp.proto,
        ObjResponse => |st| &st.obj.response,
        ObjProto => |st| &st.obj.proto,
        RespResponse => |st| &st.resp.response,
        RespProto => |st| &st.resp.proto,
        ServerHostname => |st| &st.server_hostname,
        ServerIdentity => |st| &st.server_identity,
        ServerDatacenter => |st| &st.server_datacenter,
        ReqServiceId => |st| &st.service_id,
        _ => return None,
    })
}

/// The STRING variables the state holds as `'static` slices, read in place.
pub fn static_field(b: BVar) -> Option<fn(&ReqState) -> &'static [u8]> {
    match b {
        BVar::FastlyInfoState => Some(|st| st.fastly_state.as_bytes()),
        _ => None,
    }
}

/// The state field an INTEGER variable is, for the ones [`get`] reads straight from the
/// state (statuses, `req.restarts`).
pub fn int_field(b: BVar) -> Option<fn(&ReqState) -> i64> {
    use BVar::*;
    Some(match b {
        ReqRestarts => |st| st.restarts,
        BerespStatus => |st| st.beresp.status,
        ObjStatus => |st| st.obj.status,
        RespStatus => |st| st.resp.status,
        _ => return None,
    })
}

/// A STRING variable that is the decimal rendering of a number the state holds
/// (`now.sec`, `time.elapsed.msec`, ...): a concatenation renders the number in place
/// rather than making the string first.
pub fn int_string(b: BVar) -> Option<fn(&ReqState) -> i64> {
    use BVar::*;
    fn elapsed(st: &ReqState) -> i64 {
        st.now.saturating_sub(st.time_start).max(0)
    }
    Some(match b {
        // The request ends as the subroutine reading `time.end.*` (vcl_deliver, vcl_log) runs.
        NowSec | TimeEndSec => |st| st.now / S,
        TimeEndMsec => |st| st.now / MS,
        TimeEndUsec => |st| st.now / US,
        TimeStartSec => |st| st.time_start / S,
        TimeStartMsec => |st| st.time_start / MS,
        TimeStartUsec => |st| st.time_start / US,
        TimeElapsedSec => |st| elapsed(st) / S,
        TimeElapsedMsec => |st| elapsed(st) / MS,
        TimeElapsedUsec => |st| elapsed(st) / US,
        _ => return None,
    })
}

/// `backend.NAME.healthy`, `director.NAME.healthy`, `req.backend.healthy`: the probes'
/// view (and connection room) unless a test mocked the backend sick.
fn healthy(state: &ReqState, program: &Program, runtime: &Runtime, idx: u32) -> bool {
    crate::backend::health::is_healthy(program, &runtime.health, &state.sick_backends, idx)
}

fn s(b: &Bytes) -> Value {
    Value::String(b.clone())
}

fn text(t: String) -> Value {
    Value::String(Bytes::from(t))
}

/// [`get`] of a predefined variable (the compiled expressions call it directly).
pub fn get_builtin(st: &ReqState, program: &Program, runtime: &Runtime, b: BVar) -> Value {
    use BVar::*;
    let elapsed = st.now.saturating_sub(st.time_start).max(0);
    match b {
        ReqMethod => s(&st.req.method),
        ReqUrl => s(&st.req.url),
        ReqUrlPath => Value::String(url_path(&st.req.url)),
        ReqUrlQs => Value::String(url_qs(&st.req.url)),
        ReqUrlExt => Value::String(url_ext(&st.req.url)),
        ReqUrlBasename => Value::String(url_basename(&st.req.url)),
        ReqUrlDirname => Value::String(url_dirname(&st.req.url)),
        ReqProto => s(&st.req.proto),
        ReqRestarts => Value::Integer(st.restarts),
        ReqBackend => st.backend.map_or(Value::NotSet, Value::Backend),
        ReqBackendName => {
            st.backend.and_then(|i| program.backends.get(i as usize)).map_or(Value::NotSet, |b| Value::str(&b.name))
        }
        ReqHash => Value::NotSet,
        ReqHashAlwaysMiss => Value::Bool(st.hash_always_miss),
        ReqHashIgnoreBusy => Value::Bool(st.hash_ignore_busy),
        ReqIsSsl => Value::Bool(st.is_tls),
        ReqEsi => Value::Bool(st.esi),
        ReqTopurl => s(&st.req.url),
        BereqMethod => s(&st.bereq.method),
        BereqUrl => s(&st.bereq.url),
        BereqProto => s(&st.bereq.proto),
        BerespStatus => Value::Integer(st.beresp.status),
        BerespResponse => s(&st.beresp.response),
        BerespProto => s(&st.beresp.proto),
        BerespTtl | ObjTtl => Value::Rtime(st.cache.ttl),
        BerespGrace | ObjGrace | BerespStaleWhileRevalidate | ObjStaleWhileRevalidate => {
            Value::Rtime(st.cache.stale_while_revalidate)
        }
        BerespStaleIfError | ObjStaleIfError => Value::Rtime(st.cache.stale_if_error),
        BerespCacheable | ObjCacheable => Value::Bool(st.cache.cacheable),
        BerespDoEsi => Value::Bool(st.esi),
        ObjStatus => Value::Integer(st.obj.status),
        ObjResponse => s(&st.obj.response),
        ObjProto => s(&st.obj.proto),
        ObjHits => Value::Integer(st.cache.hits),
        ObjAge => Value::Rtime(st.cache.age),
        RespStatus => Value::Integer(st.resp.status),
        RespResponse => s(&st.resp.response),
        RespProto => s(&st.resp.proto),
        ClientIp => Value::Ip(st.client_ip),
        ClientIdentity => match &st.client_identity {
            Some(id) => s(id),
            None => text(st.client_ip.to_string()),
        },
        ServerIp => Value::Ip(st.server_ip),
        ServerHostname => s(&st.server_hostname),
        ServerIdentity => s(&st.server_identity),
        ServerDatacenter => s(&st.server_datacenter),
        NowSec | TimeStartSec | TimeStartMsec | TimeStartUsec | TimeElapsedSec | TimeElapsedMsec | TimeElapsedUsec
        | TimeEndSec | TimeEndMsec | TimeEndUsec => {
            Value::String(int_bytes(int_string(b).map_or(0, |number| number(st))))
        }
        Now => Value::Time(st.now),
        TimeStart => Value::Time(st.time_start),
        TimeStartMsecFrac => text(format!("{:03}", (st.time_start % S) / MS)),
        TimeStartUsecFrac => text(format!("{:06}", (st.time_start % S) / US)),
        TimeElapsed => Value::Rtime(elapsed),
        TimeElapsedMsecFrac => text(format!("{:03}", (elapsed % S) / MS)),
        TimeElapsedUsecFrac => text(format!("{:06}", (elapsed % S) / US)),
        FastlyInfoState => Value::String(Bytes::from_static(st.fastly_state.as_bytes())),
        FastlyError => st.fastly_error.clone(),
        // lacquer makes no ESI subrequests yet, so every request is a top-level one.
        ReqIsEsiSubreq => Value::Bool(false),
        ReqEsiLevel => Value::Integer(0),
        ReqServiceId => s(&st.service_id),
        ReqVclGeneration => Value::Integer(st.vcl_generation),
        // Fastly: `{serviceID}.{version}_{generation}-{hash}`, the hash being of the VCL.
        ReqVcl => text(format!(
            "{}.{}_{}-{}",
            String::from_utf8_lossy(&st.service_id),
            st.vcl_version,
            st.vcl_generation,
            program.vcl_md5
        )),
        ReqVclVersion => Value::Integer(st.vcl_version),
        ReqVclMd5 if program.vcl_md5.is_empty() => Value::NotSet,
        ReqVclMd5 => Value::str(&program.vcl_md5),
        ReqDigestRatio => Value::Float(digest_ratio(&st.hash_input)),
        ServerRegion => site_fact(st, |s| &s.region),
        ServerBillingRegion => site_fact(st, |s| &s.billing_region),
        ReqCustomerId => site_fact(st, |s| &s.customer_id),
        // The connection the response came over (both are read in vcl_fetch).
        BackendConnIsTls => Value::Bool(st.fetched_from.is_some_and(|f| f.tls_protocol.is_some())),
        BackendConnTlsProtocol => st.fetched_from.and_then(|f| f.tls_protocol).map_or(Value::NotSet, Value::str),
        FetchedBackendRequests => Value::Integer(st.fetched_from.map_or(0, |f| f.requests as i64)),
        ReqMaxStaleIfError => Value::Rtime(st.max_stale_if_error),
        ReqMaxStaleWhileRevalidate => Value::Rtime(st.max_stale_while_revalidate),
        // vcl_log runs once the body is over (the proxy fills these in just before).
        RespBodyBytesWritten => Value::Integer(st.resp_body_bytes as i64),
        RespCompleted => Value::Bool(st.resp_completed),
        // Fastly: disabled (0) unless VCL sets it.
        BereqFetchTimeout => Value::Rtime(st.bereq_timeouts[3].unwrap_or(0)),
        ReqBackendHealthy => Value::Bool(st.backend.is_none_or(|b| healthy(st, program, runtime, b))),
        BereqUrlPath => Value::String(url_path(&st.bereq.url)),
        BereqUrlQs => Value::String(url_qs(&st.bereq.url)),
        BereqUrlExt => Value::String(url_ext(&st.bereq.url)),
        BereqUrlBasename => Value::String(url_basename(&st.bereq.url)),
        BereqUrlDirname => Value::String(url_dirname(&st.bereq.url)),
        // The protocol the client actually spoke (the proxy sets req.proto); lacquer does
        // not speak HTTP/3.
        IsH2 => Value::Bool(st.req.proto.starts_with(b"HTTP/2")),
        IsH3 => Value::Bool(false),
        // Fastly: req.protocol is "http" or "https"; the tls.client.* strings are not set
        // when the client did not connect over TLS, and servername is "" without SNI.
        ReqProtocol => Value::str(if st.is_tls { "https" } else { "http" }),
        TlsClientProtocol => st.tls_client.as_ref().map_or(Value::NotSet, |t| s(&t.protocol)),
        TlsClientCipher => st.tls_client.as_ref().map_or(Value::NotSet, |t| s(&t.cipher)),
        TlsClientServername => st.tls_client.as_ref().map_or(Value::NotSet, |t| s(&t.servername)),
        Geo(field) => st
            .geo
            .get_or_init(|| GeoLookup::resolve(runtime.geo.as_deref(), st.client_ip, st.geo_ip_override.as_deref()))
            .get(field, st.now),
        GeoIpOverride => st.geo_ip_override.clone().map_or(Value::NotSet, Value::String),
        ReqXid => text(st.xid.to_string()),
        // The digest of the cache key: SHA-256 of what `vcl_hash` added, in hex (Fastly's
        // is a SHA-256 hex digest too, over its own key layout). Not set before vcl_hash.
        ReqDigest if st.hash_input.is_empty() => Value::NotSet,
        ReqDigest => text(super::builtins::digest::sha256_hex(&st.hash_input)),
        // Fastly: "Limited to 8KB in size. Exceeding the limit results in the req.body
        // variable being blank, which returns a not set value"; a NUL ends the string.
        ReqBody | ReqBodyBase64 if st.req_body.is_empty() || st.req_body.len() > REQ_BODY_LIMIT => Value::NotSet,
        ReqBody => {
            let end = st.req_body.iter().position(|&b| b == 0).unwrap_or(st.req_body.len());
            Value::String(st.req_body.slice(..end))
        }
        ReqBodyBase64 => text(super::builtins::digest::base64_encode(&st.req_body, super::builtins::digest::STD, true)),
        // lacquer has no staging environment: every service runs as production.
        FastlyIsStaging => Value::Bool(false),
        BerespGzip => Value::Bool(st.edge.gzip),
        BerespBrotli => Value::Bool(st.edge.brotli),
        BerespDoStream => Value::Bool(st.edge.do_stream),
        ClientRequests => Value::Integer(st.client_requests as i64),
        ObjLastuse => Value::Rtime(st.cache.lastuse),
        ReqIsBackgroundFetch => Value::Bool(st.is_background_fetch),
        // One node: no request is ever passed between cluster nodes.
        NoClustering => Value::Bool(false),
        // Undocumented by Fastly; observed (falco) as 32 hex digits: 64 random bits, then
        // 1. Here the random half is drawn per request.
        FastlyInfoRequestId => text(format!("{:016x}{:016x}", st.request_id, 1)),
        BerespHandshakeMs => Value::Integer(st.fetched_from.map_or(0, |f| f.handshake_ms)),
        BerespPci => Value::Bool(st.cache.pci),
        BerespHipaa => Value::Bool(st.cache.hipaa),
        ObjIsPci => Value::Bool(st.cache.pci || st.cache.hipaa),
        // `serve` sends no HTTP/2 server pushes, so no request is one.
        NeverPushed => Value::Bool(false),
        // One path to each origin: the backend's address.
        NoAlternatePath => Value::Bool(false),
        ReqBackendIsShield => Value::Bool(st.backend.is_some_and(|b| is_shield(program, b))),
        ReqBackendIsOrigin => Value::Bool(st.backend.is_none_or(|b| !is_shield(program, b))),
        // The backend fetched from; before any fetch (a hit), the one `req.backend` names.
        FetchedBackendName => st
            .fetched_from
            .map(|f| f.backend)
            .or(st.backend)
            .and_then(|b| program.backends.get(b as usize))
            .map_or(Value::NotSet, |b| text(b.name.clone())),
        FetchedBackendHost => st
            .fetched_from
            .and_then(|f| program.backends.get(f.backend as usize)?.props.host.clone())
            .map_or(Value::NotSet, text),
        FetchedBackendIp => st.fetched_from.and_then(|f| f.remote).map_or(Value::NotSet, |a| Value::Ip(a.ip())),
        FetchedBackendPort => Value::Integer(st.fetched_from.and_then(|f| f.remote).map_or(0, |a| i64::from(a.port()))),
        FetchedBackendSrcIp => st.fetched_from.and_then(|f| f.local).map_or(Value::NotSet, |a| Value::Ip(a.ip())),
        FetchedBackendSrcPort => {
            Value::Integer(st.fetched_from.and_then(|f| f.local).map_or(0, |a| i64::from(a.port())))
        }
        // Time since the object was stored (0 for a synthetic or fetched, not yet stored one).
        ObjEntered if st.cache.stored_at > 0 => Value::Rtime(st.now.saturating_sub(st.cache.stored_at).max(0)),
        ObjEntered => Value::Rtime(0),
        FastlyInfoHostHeader => st.client_host.clone().map_or(Value::NotSet, Value::String),
        ReqIsPurge => Value::Bool(st.is_purge),
        ReqIsIpv6 => Value::Bool(st.client_ip.is_ipv6()),
        ClientPort => Value::Integer(i64::from(st.client_port)),
        ServerPort => Value::Integer(i64::from(st.server_port)),
        // Fastly: "Returns a non-NULL string if stale content exists and NULL otherwise".
        StaleExists => {
            if st.stale_exists {
                Value::str("1")
            } else {
                Value::NotSet
            }
        }
        RespStale => Value::Bool(st.resp_stale.is_some()),
        RespStaleIsError => Value::Bool(st.resp_stale == Some(StaleReason::Error)),
        RespStaleIsRevalidating => Value::Bool(st.resp_stale == Some(StaleReason::Revalidating)),
        RespIsLocallyGenerated => Value::Bool(st.went_through_error),
        BereqConnectTimeout | BereqFirstByteTimeout | BereqBetweenBytesTimeout => {
            Value::Rtime(bereq_timeout(st, program, b))
        }
        // The request ends as the subroutine reading it (vcl_deliver, vcl_log) runs.
        TimeEnd => Value::Time(st.now),
        TimeEndMsecFrac => text(format!("{:03}", (st.now % S) / MS)),
        TimeEndUsecFrac => text(format!("{:06}", (st.now % S) / US)),
        TimeToFirstByte => Value::Rtime(st.deliver_started.unwrap_or(st.now).saturating_sub(st.time_start).max(0)),
        // `lacquer test` only: falco's `testing.*` variables.
        TestingState | TestingSyntheticBody | TestingOriginHostHeader | TestingReturnValue => {
            crate::testing::read_var(st, program, b)
        }
    }
}

/// What the node's configuration says (`server.region`, ...); not set when it says
/// nothing.
fn site_fact(st: &ReqState, fact: impl Fn(&SiteInfo) -> &Option<Bytes>) -> Value {
    st.site.as_deref().and_then(|site| fact(site).clone()).map_or(Value::NotSet, Value::String)
}

/// `req.digest.ratio`: Fastly documents "a floating point number between 0 and 1 derived
/// from the object digest", for handling a chosen share of objects. Here: the digest's
/// first 8 bytes as a fraction of 2^64 - 1, so it is uniform over objects and the same
/// for every request for one object. 0 before `vcl_hash` has added anything.
fn digest_ratio(hash_input: &[u8]) -> f64 {
    use sha2::Digest;
    if hash_input.is_empty() {
        return 0.0;
    }
    let digest = sha2::Sha256::digest(hash_input);
    let mut head = [0u8; 8];
    head.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(head) as f64 / u64::MAX as f64
}

/// A `bereq.*_timeout`: what VCL set, else the request's backend's declared value, else
/// Fastly's default (connect 1s, first byte 15s, between bytes 10s).
/// A generated shield director (Fastly's `req.backend.is_shield`).
fn is_shield(program: &Program, b: u32) -> bool {
    program
        .backends
        .get(b as usize)
        .and_then(|b| b.director.as_ref())
        .is_some_and(|d| d.kind == crate::ir::DirectorKind::Shield)
}

fn bereq_timeout(st: &ReqState, program: &Program, b: BVar) -> i64 {
    let (slot, default) = match b {
        BVar::BereqConnectTimeout => (0, S),
        BVar::BereqFirstByteTimeout => (1, 15 * S),
        _ => (2, 10 * S),
    };
    if let Some(ns) = st.bereq_timeouts[slot] {
        return ns;
    }
    let props = st.backend.and_then(|i| program.backends.get(i as usize)).map(|b| &b.props);
    let declared = props.and_then(|p| match slot {
        0 => p.connect_timeout,
        1 => p.first_byte_timeout,
        _ => p.between_bytes_timeout,
    });
    declared.unwrap_or(default)
}

pub fn set(st: &mut ReqState, _program: &Program, var: &Var, v: Value) {
    match var {
        Var::Header(obj, name) => st.message_mut(*obj).headers.set_shared(name, v.into_bytes()),
        Var::HeaderField(obj, name, key) => {
            let sep = separator(name);
            let headers = &mut st.message_mut(*obj).headers;
            let current = headers.get(name).cloned().unwrap_or_default();
            headers.set_shared(name, field_set_shared(&current, key, &v.into_bytes(), sep));
        }
        Var::HeaderPrefix(..)
        | Var::ReGroup(_)
        | Var::BackendHealthy(_)
        | Var::BackendConnections { .. }
        | Var::RateCounter { .. } => {}
        Var::Builtin(b) => set_builtin(st, *b, v),
    }
}

/// [`set`] of a predefined variable (the compiled statements call it directly).
pub fn set_builtin(st: &mut ReqState, b: BVar, v: Value) {
    use BVar::*;
    let ns = |v: &Value| match v {
        Value::Rtime(t) | Value::Time(t) => *t,
        other => other.as_int().unwrap_or(0).saturating_mul(S),
    };
    let int = |v: &Value| v.as_int().unwrap_or(0);
    let flag = |v: &Value| matches!(v, Value::Bool(true));
    match b {
        ReqMethod => st.req.method = v.into_bytes(),
        ReqUrl => st.req.url = v.into_bytes(),
        ReqBackend => {
            if let Value::Backend(i) = v {
                st.backend = Some(i);
            }
        }
        // `set req.hash += X` appends to the cache key's input.
        ReqHash => match &v {
            Value::String(b) => hash_append(&mut st.hash_input, b),
            other => hash_append(&mut st.hash_input, &other.to_bytes()),
        },
        ReqHashAlwaysMiss => st.hash_always_miss = flag(&v),
        BerespPci => st.cache.pci = flag(&v),
        BerespHipaa => st.cache.hipaa = flag(&v),
        ReqMaxStaleIfError => st.max_stale_if_error = ns(&v).max(0),
        ReqMaxStaleWhileRevalidate => st.max_stale_while_revalidate = ns(&v).max(0),
        ReqHashIgnoreBusy => st.hash_ignore_busy = flag(&v),
        ReqEsi | BerespDoEsi => st.esi = flag(&v),
        BereqMethod => st.bereq.method = v.into_bytes(),
        BereqUrl => st.bereq.url = v.into_bytes(),
        BerespStatus => st.beresp.status = int(&v),
        BerespResponse => st.beresp.response = v.into_bytes(),
        BerespTtl | ObjTtl => st.cache.ttl = ns(&v),
        BerespGrace | ObjGrace | BerespStaleWhileRevalidate => st.cache.stale_while_revalidate = ns(&v),
        BerespStaleIfError => st.cache.stale_if_error = ns(&v),
        BerespCacheable => st.cache.cacheable = flag(&v),
        ObjStatus => st.obj.status = int(&v),
        ObjResponse => st.obj.response = v.into_bytes(),
        RespStatus => st.resp.status = int(&v),
        RespResponse => st.resp.response = v.into_bytes(),
        ClientIdentity => st.client_identity = Some(v.into_bytes()),
        // Fastly: setting one of the two unsets the other.
        BerespGzip => {
            st.edge.gzip = flag(&v);
            st.edge.brotli &= !st.edge.gzip;
        }
        BerespBrotli => {
            st.edge.brotli = flag(&v);
            st.edge.gzip &= !st.edge.brotli;
        }
        BerespDoStream => st.edge.do_stream = flag(&v),
        BereqConnectTimeout => st.bereq_timeouts[0] = Some(ns(&v)),
        BereqFirstByteTimeout => st.bereq_timeouts[1] = Some(ns(&v)),
        BereqBetweenBytesTimeout => st.bereq_timeouts[2] = Some(ns(&v)),
        // Fastly: "may be set to any value between 0 and 365d"; 0 disables it.
        BereqFetchTimeout => st.bereq_timeouts[3] = Some(ns(&v).clamp(0, 365 * 86_400 * S)),
        GeoIpOverride => {
            st.geo_ip_override = Some(v.into_bytes());
            st.geo = std::sync::OnceLock::new();
        }
        // The rest are read-only; the checker rejects writes before we get here.
        _ => {}
    }
}

/// `set req.hash += X`: appends to the cache key's input.
pub fn hash_append(key: &mut Vec<u8>, bytes: &[u8]) {
    // One allocation for a typical cache key instead of a growth per `+=`.
    if key.capacity() == 0 {
        key.reserve(256);
    }
    key.extend_from_slice(bytes);
}

pub fn unset(st: &mut ReqState, _program: &Program, var: &Var) {
    match var {
        Var::Header(obj, name) => st.message_mut(*obj).headers.remove(name),
        Var::HeaderPrefix(obj, prefix) => st.message_mut(*obj).headers.remove_prefix(prefix),
        Var::HeaderField(obj, name, key) => {
            let sep = separator(name);
            let headers = &mut st.message_mut(*obj).headers;
            if let Some(current) = headers.get(name).cloned() {
                let updated = field_remove(&current, key, sep);
                if updated.is_empty() {
                    headers.remove(name);
                } else {
                    headers.set_shared(name, updated);
                }
            }
        }
        Var::Builtin(BVar::FastlyError) => st.fastly_error = Value::NotSet,
        _ => {}
    }
}

pub fn add(st: &mut ReqState, var: &Var, v: Value) {
    if let Var::Header(obj, name) = var {
        st.message_mut(*obj).headers.add_shared(name, v.into_bytes());
    }
}

// ----- URL parts (Fastly: req.url.path, .qs, .ext, .basename, .dirname) -----

/// Where the path ends (the `?` or the end).
fn path_end(url: &[u8]) -> usize {
    crate::interp::ascii::find_byte(b'?', url).unwrap_or(url.len())
}

/// The part of the URL a URL variable reads, as a range of it (the parts are computed
/// on the borrowed URL and sliced out once). `dirname` is not always a part of the URL
/// (`.` without a slash) and is not here.
///
/// Kept out of line: inlined, it makes the compiled closures' in-place reads too big to
/// be inlined themselves (measured: 460 more instructions per benchmark request).
#[inline(never)]
pub fn url_part(url: &[u8], part: UrlPart) -> std::ops::Range<usize> {
    match part {
        UrlPart::Path => 0..path_end(url),
        UrlPart::Qs => match crate::interp::ascii::find_byte(b'?', url) {
            Some(i) => i + 1..url.len(),
            None => url.len()..url.len(),
        },
        UrlPart::Basename => {
            let end = path_end(url);
            crate::interp::ascii::rfind_byte(b'/', &url[..end]).map_or(0, |i| i + 1)..end
        }
        // The last `.` of the last segment: walking back from the end of the path (a
        // segment is short) to the first `.` or `/`.
        UrlPart::Ext => {
            let end = path_end(url);
            match crate::interp::ascii::rfind_masked(&url[..end], 0xfe, b'.') {
                Some(i) if url[i] == b'.' => i + 1..end,
                _ => end..end,
            }
        }
    }
}

/// The URL variables that are a slice of the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlPart {
    Path,
    Qs,
    Basename,
    Ext,
}

fn url_slice(url: &Bytes, part: UrlPart) -> Bytes {
    let range = url_part(url, part);
    if range.is_empty() {
        return Bytes::new();
    }
    url.slice(range)
}

pub fn url_path(url: &Bytes) -> Bytes {
    url_slice(url, UrlPart::Path)
}

pub fn url_qs(url: &Bytes) -> Bytes {
    url_slice(url, UrlPart::Qs)
}

pub fn url_basename(url: &Bytes) -> Bytes {
    url_slice(url, UrlPart::Basename)
}

pub fn url_dirname(url: &Bytes) -> Bytes {
    match crate::interp::ascii::rfind_byte(b'/', &url[..path_end(url)]) {
        Some(0) => Bytes::from_static(b"/"),
        Some(i) => url.slice(..i),
        None => Bytes::from_static(b"."),
    }
}

pub fn url_ext(url: &Bytes) -> Bytes {
    url_slice(url, UrlPart::Ext)
}

/// A URL variable read in place: the URL it is part of and where.
pub fn peek_part<'s>(st: &'s ReqState, var: &Var) -> Option<(&'s Bytes, std::ops::Range<usize>)> {
    let Var::Builtin(b) = var else { return None };
    let (url, part) = url_field(*b)?;
    let url = url(st);
    Some((url, url_part(url, part)))
}

/// The URL a URL-part variable (`req.url.path`, `bereq.url.ext`, ...) is cut from, and
/// which part.
pub fn url_field(b: BVar) -> Option<(StringField, UrlPart)> {
    use BVar::*;
    let req: StringField = |st| &st.req.url;
    let bereq: StringField = |st| &st.bereq.url;
    Some(match b {
        ReqUrlPath => (req, UrlPart::Path),
        ReqUrlQs => (req, UrlPart::Qs),
        ReqUrlExt => (req, UrlPart::Ext),
        ReqUrlBasename => (req, UrlPart::Basename),
        BereqUrlPath => (bereq, UrlPart::Path),
        BereqUrlQs => (bereq, UrlPart::Qs),
        BereqUrlExt => (bereq, UrlPart::Ext),
        BereqUrlBasename => (bereq, UrlPart::Basename),
        _ => return None,
    })
}

// ----- header subfields (`req.http.Cookie:name`, `Cache-Control:max-age`) -----

/// Cookies separate fields with `;`, other headers with `,`.
pub fn separator(header: &[u8]) -> u8 {
    if header.eq_ignore_ascii_case(b"cookie") {
        b';'
    } else {
        b','
    }
}

/// The fields of a header value: `(key, value)` slices, trimmed.
fn fields(value: &[u8], sep: u8) -> impl Iterator<Item = (&[u8], Option<&[u8]>)> {
    value.split(move |&c| c == sep).filter_map(|part| {
        let part = part.trim_ascii();
        if part.is_empty() {
            return None;
        }
        Some(match part.iter().position(|&c| c == b'=') {
            Some(i) => (part[..i].trim_ascii(), Some(part[i + 1..].trim_ascii())),
            None => (part, None),
        })
    })
}

/// A field's value; a bare key reads as `""`, a missing one as not set.
/// The result shares the header's bytes (no copy). One pass over the header: each
/// field's start is compared with the key where it stands, the way [`fields`] would
/// split and trim it.
pub fn field_get(value: &Bytes, key: &[u8], sep: u8) -> Option<Bytes> {
    if key.is_empty() {
        return fields_get(value, key, sep);
    }
    let s = &value[..];
    let mut at = 0;
    loop {
        while s.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let end = crate::interp::ascii::find_byte(sep, &s[at..]).map_or(s.len(), |i| at + i);
        let field = &s[at..end];
        if let Some(rest) = field.strip_prefix(key) {
            let rest = rest.trim_ascii_start();
            if rest.is_empty() {
                return Some(Bytes::new());
            }
            if let Some(v) = rest.strip_prefix(b"=") {
                return Some(field_value(value, v.trim_ascii()));
            }
        }
        if end == s.len() {
            return None;
        }
        at = end + 1;
    }
}

/// A subfield key a compiled program reads (`req.http.Cookie:session`), with a searcher
/// for it built once.
#[derive(Debug, Clone)]
pub struct FieldKey {
    key: Bytes,
    finder: memchr::memmem::Finder<'static>,
    sep: u8,
    /// The key can be searched for: not empty, without the separator, not starting with
    /// whitespace (otherwise [`field_get`] reads it).
    searchable: bool,
}

impl FieldKey {
    pub fn new(key: Bytes, sep: u8) -> FieldKey {
        let finder = memchr::memmem::Finder::new(&key[..]).into_owned();
        let searchable = key.first().is_some_and(|b| !b.is_ascii_whitespace()) && !key.contains(&sep);
        FieldKey { key, finder, sep, searchable }
    }

    /// [`field_get`], by searching the header for the key: most fields are passed over
    /// inside one vector search, where `field_get` stops at each (the first field, often
    /// the one asked for, is compared in place before any search). A place the key occurs
    /// counts when it starts a field (only whitespace since the separator before it) and
    /// is followed by `=` or the field's end, as `field_get` decides.
    pub fn get(&self, value: &Bytes) -> Option<Bytes> {
        let (key, sep) = (&self.key[..], self.sep);
        if !self.searchable {
            return field_get(value, key, sep);
        }
        let s = &value[..];
        let first = s.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(s.len());
        let starts = s.get(first..first + key.len()).is_some_and(|head| crate::interp::ascii::same_bytes(head, key));
        let mut at = if starts { Some(first) } else { self.finder.find(s) };
        while let Some(here) = at {
            let start = s[..here].iter().rposition(|&b| b == sep).map_or(0, |p| p + 1);
            if s[start..here].iter().all(u8::is_ascii_whitespace) {
                let end = crate::interp::ascii::find_byte(sep, &s[here..]).map_or(s.len(), |j| here + j);
                let rest = s[here + key.len()..end].trim_ascii_start();
                if rest.is_empty() {
                    return Some(Bytes::new());
                }
                if let Some(v) = rest.strip_prefix(b"=") {
                    return Some(field_value(value, v.trim_ascii()));
                }
            }
            at = self.finder.find(&s[here + 1..]).map(|i| here + 1 + i);
        }
        None
    }
}

/// [`field_get`] through [`fields`] (the definition it must agree with).
fn fields_get(value: &Bytes, key: &[u8], sep: u8) -> Option<Bytes> {
    fields(value, sep).find(|(k, _)| *k == key).map(|(_, v)| field_value(value, v.unwrap_or(b"")))
}

/// A field's value as read: without one pair of surrounding double quotes; a slice of
/// the header.
fn field_value(header: &Bytes, v: &[u8]) -> Bytes {
    let v = v.strip_prefix(b"\"").and_then(|v| v.strip_suffix(b"\"")).unwrap_or(v);
    if v.is_empty() {
        Bytes::new()
    } else {
        header.slice_ref(v)
    }
}

/// [`field_set`] with the key as `Bytes`: on an empty header, an empty value gives the
/// bare key itself, shared rather than copied (`set beresp.http.Vary:Accept-Encoding = ""`).
pub fn field_set_shared(value: &[u8], key: &Bytes, new: &[u8], sep: u8) -> Bytes {
    if value.is_empty() && new.is_empty() {
        return key.clone();
    }
    field_set(value, key, new, sep)
}

/// Replaces (or appends) a field; an empty value writes the bare key.
pub fn field_set(value: &[u8], key: &[u8], new: &[u8], sep: u8) -> Bytes {
    // Grown as written: sized exactly by the first write, a single field is frozen without
    // a second allocation (a buffer with spare room would need one to become `Bytes`).
    let mut out = BytesMut::new();
    let mut replaced = false;
    let joiner: &[u8] = if sep == b';' { b"; " } else { b", " };
    let push = |out: &mut BytesMut, k: &[u8], v: Option<&[u8]>| {
        if !out.is_empty() {
            out.extend_from_slice(joiner);
        }
        out.extend_from_slice(k);
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.extend_from_slice(b"=");
            out.extend_from_slice(v);
        }
    };
    for (k, v) in fields(value, sep) {
        if k == key {
            if !replaced {
                push(&mut out, k, Some(new));
                replaced = true;
            }
        } else {
            push(&mut out, k, v);
        }
    }
    if !replaced {
        push(&mut out, key, Some(new));
    }
    out.freeze()
}

pub fn field_remove(value: &[u8], key: &[u8], sep: u8) -> Bytes {
    let mut out = BytesMut::new();
    let joiner: &[u8] = if sep == b';' { b"; " } else { b", " };
    for (k, v) in fields(value, sep).filter(|(k, _)| *k != key) {
        if !out.is_empty() {
            out.extend_from_slice(joiner);
        }
        out.extend_from_slice(k);
        if let Some(v) = v {
            out.extend_from_slice(b"=");
            out.extend_from_slice(v);
        }
    }
    out.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peek_agrees_with_get() {
        let mut st = ReqState::default();
        st.req.headers.set(b"Host", Bytes::from_static(b"example.com"));
        let program = Program::default();
        let runtime = Runtime::default();
        let vars = [
            Var::Header(crate::interp::value::Obj::Req, Bytes::from_static(b"host")),
            Var::Header(crate::interp::value::Obj::Req, Bytes::from_static(b"X-Missing")),
            Var::Builtin(BVar::ReqMethod),
            Var::Builtin(BVar::ReqUrl),
            Var::Builtin(BVar::ServerIdentity),
            Var::Builtin(BVar::RespResponse),
        ];
        for var in &vars {
            let peeked = peek(&st, var).expect("held as a string");
            let read = get(&st, &program, &runtime, var);
            assert_eq!(peeked.map_or(Value::NotSet, |b| Value::String(b.clone())), read, "{var:?}");
        }
        // A computed variable is not peeked.
        assert!(peek(&st, &Var::Builtin(BVar::ReqUrlPath)).is_none());
    }

    #[test]
    fn url_parts() {
        let u = Bytes::from_static(b"/a/b/file.tar.gz?x=1&y=2");
        assert_eq!(url_path(&u), "/a/b/file.tar.gz");
        assert_eq!(url_qs(&u), "x=1&y=2");
        assert_eq!(url_basename(&u), "file.tar.gz");
        assert_eq!(url_dirname(&u), "/a/b");
        assert_eq!(url_ext(&u), "gz");
        assert_eq!(url_dirname(&Bytes::from_static(b"/x")), "/");
    }

    #[test]
    fn the_one_pass_subfield_reader_agrees_with_splitting() {
        let headers = [
            "a=1; session=abc; b",
            " session = \"x y\" ;session=2",
            "sessionid=1; session",
            "session=; x=1",
            ";;session=a=b;",
            "x=1, session=2 ,session=3",
            "  ",
            "",
            "max-age=60, public",
            "session x=1; session=ok",
            "\tsession\t=\t1\t",
            "=v; a=",
        ];
        for h in headers {
            let h = Bytes::copy_from_slice(h.as_bytes());
            for key in ["session", "a", "b", "x", "max-age", "public", "sessionid", "", "zz"] {
                for sep in [b';', b','] {
                    let want = fields_get(&h, key.as_bytes(), sep);
                    assert_eq!(field_get(&h, key.as_bytes(), sep), want, "{h:?} {key} {}", sep as char);
                    let searched = FieldKey::new(Bytes::copy_from_slice(key.as_bytes()), sep).get(&h);
                    assert_eq!(searched, want, "{h:?} {key} {} (searched)", sep as char);
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Searching for the key finds what splitting the header into fields finds.
        #[test]
        fn the_key_search_agrees_with_the_fields(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["a", "ab", "b", "=", ";", ",", " ", "\t", "\"", "x=1", "a b"]),
                0..10,
            ),
            key in proptest::sample::select(vec!["a", "ab", "b", "a b", "x"]),
            comma in proptest::bool::ANY,
        ) {
            let h = Bytes::from(pieces.concat());
            let sep = if comma { b',' } else { b';' };
            let searched = FieldKey::new(Bytes::from_static(key.as_bytes()), sep).get(&h);
            proptest::prop_assert_eq!(searched, fields_get(&h, key.as_bytes(), sep), "{:?} {}", h, key);
        }
    }

    #[test]
    fn subfields() {
        let cookie = Bytes::from_static(b"a=1; session=abc; b");
        assert_eq!(field_get(&cookie, b"session", b';').as_deref(), Some(&b"abc"[..]));
        assert_eq!(field_get(&cookie, b"b", b';').as_deref(), Some(&b""[..]));
        assert_eq!(field_get(&cookie, b"c", b';'), None);
        assert_eq!(field_set(b"public, max-age=10", b"max-age", b"60", b','), "public, max-age=60");
        assert_eq!(field_set(b"public", b"max-age", b"60", b','), "public, max-age=60");
        assert_eq!(field_set(b"", b"Accept-Encoding", b"", b','), "Accept-Encoding");
        assert_eq!(field_set_shared(b"", &Bytes::from_static(b"Accept-Encoding"), b"", b','), "Accept-Encoding");
        assert_eq!(field_set_shared(b"", &Bytes::from_static(b"max-age"), b"60", b','), "max-age=60");
        assert_eq!(field_remove(b"a=1; b=2", b"a", b';'), "b=2");
    }
}
