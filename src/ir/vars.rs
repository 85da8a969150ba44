//! Predefined variables the runtime implements, as handles. The compiler resolves a name
//! to a [`BVar`] (or a constant for `math.*`); a catalog variable without a handle here
//! is reported at compile time as "not supported yet".

use crate::interp::geo::GeoField;
use crate::interp::value::Value;

/// An implemented predefined variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BVar {
    ReqMethod,
    ReqUrl,
    ReqUrlPath,
    ReqUrlQs,
    ReqUrlExt,
    ReqUrlBasename,
    ReqUrlDirname,
    ReqProto,
    ReqRestarts,
    ReqBackend,
    ReqBackendName,
    ReqHash,
    ReqHashAlwaysMiss,
    ReqHashIgnoreBusy,
    ReqIsSsl,
    ReqEsi,
    ReqTopurl,
    BereqMethod,
    BereqUrl,
    BereqProto,
    BerespStatus,
    BerespResponse,
    BerespProto,
    BerespTtl,
    BerespGrace,
    BerespStaleIfError,
    BerespStaleWhileRevalidate,
    BerespCacheable,
    BerespDoEsi,
    ObjStatus,
    ObjResponse,
    ObjProto,
    ObjTtl,
    ObjGrace,
    ObjHits,
    ObjAge,
    ObjCacheable,
    ObjStaleIfError,
    ObjStaleWhileRevalidate,
    RespStatus,
    RespResponse,
    RespProto,
    ClientIp,
    ClientIdentity,
    ServerIp,
    ServerHostname,
    ServerIdentity,
    ServerDatacenter,
    Now,
    NowSec,
    TimeStart,
    TimeStartSec,
    TimeStartMsec,
    TimeStartMsecFrac,
    TimeStartUsec,
    TimeStartUsecFrac,
    TimeElapsed,
    TimeElapsedSec,
    TimeElapsedMsec,
    TimeElapsedMsecFrac,
    TimeElapsedUsec,
    TimeElapsedUsecFrac,
    FastlyInfoState,
    FastlyError,
    ReqIsEsiSubreq,
    ReqEsiLevel,
    ReqServiceId,
    ReqVclGeneration,
    ReqBackendHealthy,
    BereqUrlPath,
    BereqUrlQs,
    BereqUrlExt,
    BereqUrlBasename,
    BereqUrlDirname,
    IsH2,
    IsH3,
    ReqXid,
    ReqDigest,
    ReqIsPurge,
    ReqIsIpv6,
    ClientPort,
    ServerPort,
    StaleExists,
    RespStale,
    RespStaleIsError,
    RespStaleIsRevalidating,
    RespIsLocallyGenerated,
    BereqConnectTimeout,
    BereqFirstByteTimeout,
    BereqBetweenBytesTimeout,
    TimeEnd,
    TimeEndSec,
    TimeEndMsec,
    TimeEndMsecFrac,
    TimeEndUsec,
    TimeEndUsecFrac,
    TimeToFirstByte,
    /// `client.geo.*` and `client.as.*` (read-only).
    Geo(GeoField),
    GeoIpOverride,
    // `lacquer test` only (see [`testing`]): falco's `testing.*` variables.
    TestingState,
    TestingSyntheticBody,
    TestingOriginHostHeader,
    TestingReturnValue,
}

/// Handles by catalog name.
const NAMES: &[(&str, BVar)] = &[
    ("req.method", BVar::ReqMethod),
    ("req.request", BVar::ReqMethod),
    ("req.url", BVar::ReqUrl),
    ("req.url.path", BVar::ReqUrlPath),
    ("req.url.qs", BVar::ReqUrlQs),
    ("req.url.ext", BVar::ReqUrlExt),
    ("req.url.basename", BVar::ReqUrlBasename),
    ("req.url.dirname", BVar::ReqUrlDirname),
    ("req.proto", BVar::ReqProto),
    ("req.protocol", BVar::ReqProto),
    ("req.restarts", BVar::ReqRestarts),
    ("req.backend", BVar::ReqBackend),
    ("req.backend.name", BVar::ReqBackendName),
    ("req.hash", BVar::ReqHash),
    ("req.hash_always_miss", BVar::ReqHashAlwaysMiss),
    ("req.hash_ignore_busy", BVar::ReqHashIgnoreBusy),
    ("req.is_ssl", BVar::ReqIsSsl),
    ("fastly_info.edge.is_tls", BVar::ReqIsSsl),
    ("req.esi", BVar::ReqEsi),
    ("req.topurl", BVar::ReqTopurl),
    ("bereq.method", BVar::BereqMethod),
    ("bereq.request", BVar::BereqMethod),
    ("bereq.url", BVar::BereqUrl),
    ("bereq.proto", BVar::BereqProto),
    ("beresp.status", BVar::BerespStatus),
    ("beresp.response", BVar::BerespResponse),
    ("beresp.proto", BVar::BerespProto),
    ("beresp.ttl", BVar::BerespTtl),
    ("beresp.grace", BVar::BerespGrace),
    ("beresp.stale_if_error", BVar::BerespStaleIfError),
    ("beresp.stale_while_revalidate", BVar::BerespStaleWhileRevalidate),
    ("beresp.cacheable", BVar::BerespCacheable),
    ("beresp.do_esi", BVar::BerespDoEsi),
    ("obj.status", BVar::ObjStatus),
    ("obj.response", BVar::ObjResponse),
    ("obj.proto", BVar::ObjProto),
    ("obj.ttl", BVar::ObjTtl),
    ("obj.grace", BVar::ObjGrace),
    ("obj.hits", BVar::ObjHits),
    ("obj.age", BVar::ObjAge),
    ("obj.cacheable", BVar::ObjCacheable),
    ("obj.stale_if_error", BVar::ObjStaleIfError),
    ("obj.stale_while_revalidate", BVar::ObjStaleWhileRevalidate),
    ("resp.status", BVar::RespStatus),
    ("resp.response", BVar::RespResponse),
    ("resp.proto", BVar::RespProto),
    ("client.ip", BVar::ClientIp),
    ("client.identity", BVar::ClientIdentity),
    ("server.ip", BVar::ServerIp),
    ("server.hostname", BVar::ServerHostname),
    ("server.identity", BVar::ServerIdentity),
    ("server.datacenter", BVar::ServerDatacenter),
    ("now", BVar::Now),
    ("now.sec", BVar::NowSec),
    ("time.start", BVar::TimeStart),
    ("time.start.sec", BVar::TimeStartSec),
    ("time.start.msec", BVar::TimeStartMsec),
    ("time.start.msec_frac", BVar::TimeStartMsecFrac),
    ("time.start.usec", BVar::TimeStartUsec),
    ("time.start.usec_frac", BVar::TimeStartUsecFrac),
    ("time.elapsed", BVar::TimeElapsed),
    ("time.elapsed.sec", BVar::TimeElapsedSec),
    ("time.elapsed.msec", BVar::TimeElapsedMsec),
    ("time.elapsed.msec_frac", BVar::TimeElapsedMsecFrac),
    ("time.elapsed.usec", BVar::TimeElapsedUsec),
    ("time.elapsed.usec_frac", BVar::TimeElapsedUsecFrac),
    ("fastly_info.state", BVar::FastlyInfoState),
    ("fastly.error", BVar::FastlyError),
    ("req.is_esi_subreq", BVar::ReqIsEsiSubreq),
    ("req.esi_level", BVar::ReqEsiLevel),
    ("req.service_id", BVar::ReqServiceId),
    ("req.vcl.generation", BVar::ReqVclGeneration),
    ("req.backend.healthy", BVar::ReqBackendHealthy),
    ("bereq.url.path", BVar::BereqUrlPath),
    ("bereq.url.qs", BVar::BereqUrlQs),
    ("bereq.url.ext", BVar::BereqUrlExt),
    ("bereq.url.basename", BVar::BereqUrlBasename),
    ("bereq.url.dirname", BVar::BereqUrlDirname),
    ("fastly_info.is_h2", BVar::IsH2),
    ("fastly_info.is_h3", BVar::IsH3),
    ("client.geo.ip_override", BVar::GeoIpOverride),
    ("req.xid", BVar::ReqXid),
    ("req.digest", BVar::ReqDigest),
    ("req.is_purge", BVar::ReqIsPurge),
    ("req.is_ipv6", BVar::ReqIsIpv6),
    ("client.port", BVar::ClientPort),
    ("server.port", BVar::ServerPort),
    ("stale.exists", BVar::StaleExists),
    ("resp.stale", BVar::RespStale),
    ("resp.stale.is_error", BVar::RespStaleIsError),
    ("resp.stale.is_revalidating", BVar::RespStaleIsRevalidating),
    ("resp.is_locally_generated", BVar::RespIsLocallyGenerated),
    ("bereq.connect_timeout", BVar::BereqConnectTimeout),
    ("bereq.first_byte_timeout", BVar::BereqFirstByteTimeout),
    ("bereq.between_bytes_timeout", BVar::BereqBetweenBytesTimeout),
    ("time.end", BVar::TimeEnd),
    ("time.end.sec", BVar::TimeEndSec),
    ("time.end.msec", BVar::TimeEndMsec),
    ("time.end.msec_frac", BVar::TimeEndMsecFrac),
    ("time.end.usec", BVar::TimeEndUsec),
    ("time.end.usec_frac", BVar::TimeEndUsecFrac),
    ("time.to_first_byte", BVar::TimeToFirstByte),
];

/// `lacquer test`: the handles of the test framework's `testing.*` variables (resolved
/// only in test mode, so they are not in `NAMES`).
pub fn testing(name: &str) -> Option<BVar> {
    Some(match name {
        "testing.state" => BVar::TestingState,
        "testing.synthetic_body" => BVar::TestingSyntheticBody,
        "testing.origin_host_header" => BVar::TestingOriginHostHeader,
        "testing.return_value" => BVar::TestingReturnValue,
        _ => return None,
    })
}

pub fn by_name(name: &str) -> Option<BVar> {
    NAMES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).or_else(|| GeoField::by_name(name).map(BVar::Geo))
}

/// `math.*` constants (C's math.h values, as Fastly documents them).
pub fn constant(name: &str) -> Option<Value> {
    use std::f64::consts as c;
    if name == "LF" {
        // Fastly: `LF` is a string holding one newline.
        return Some(Value::str("\n"));
    }
    let f = |v: f64| Some(Value::Float(v));
    let i = |v: i64| Some(Value::Integer(v));
    match name.strip_prefix("math.")? {
        "1_PI" => f(c::FRAC_1_PI),
        "2PI" | "TAU" => f(c::TAU),
        "2_PI" => f(c::FRAC_2_PI),
        "2_SQRTPI" => f(c::FRAC_2_SQRT_PI),
        "E" => f(c::E),
        "FLOAT_DIG" => i(f64::DIGITS as i64),
        "FLOAT_EPSILON" => f(f64::EPSILON),
        "FLOAT_MANT_DIG" => i(f64::MANTISSA_DIGITS as i64),
        "FLOAT_MAX" => f(f64::MAX),
        "FLOAT_MAX_10_EXP" => i(f64::MAX_10_EXP as i64),
        "FLOAT_MAX_EXP" => i(f64::MAX_EXP as i64),
        "FLOAT_MIN" => f(f64::MIN_POSITIVE),
        "FLOAT_MIN_10_EXP" => i(f64::MIN_10_EXP as i64),
        "FLOAT_MIN_EXP" => i(f64::MIN_EXP as i64),
        "FLOAT_RADIX" => i(f64::RADIX as i64),
        "INTEGER_BIT" => i(64),
        "INTEGER_MAX" => i(i64::MAX),
        "INTEGER_MIN" => i(i64::MIN),
        "LN10" => f(c::LN_10),
        "LN2" => f(c::LN_2),
        "LOG10E" => f(c::LOG10_E),
        "LOG2E" => f(c::LOG2_E),
        "NAN" => f(f64::NAN),
        "NEG_HUGE_VAL" | "NEG_INFINITY" => f(f64::NEG_INFINITY),
        "POS_HUGE_VAL" | "POS_INFINITY" => f(f64::INFINITY),
        "PHI" => f(1.618_033_988_749_895),
        "PI" => f(c::PI),
        "PI_2" => f(c::FRAC_PI_2),
        "PI_4" => f(c::FRAC_PI_4),
        "SQRT1_2" => f(c::FRAC_1_SQRT_2),
        "SQRT2" => f(c::SQRT_2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_handle_names_a_catalog_variable() {
        for (name, _) in NAMES {
            assert!(crate::catalog::variable(name).is_some(), "{name} is not in the catalog");
        }
    }

    #[test]
    fn every_math_constant_is_known() {
        assert_eq!(constant("LF"), Some(Value::str("\n")));
        for v in crate::catalog::VARIABLES.iter().filter(|v| v.name.starts_with("math.")) {
            assert!(constant(v.name).is_some(), "{}", v.name);
        }
    }
}
