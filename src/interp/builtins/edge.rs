//! Builtins whose effect belongs to the connection or the edge network rather than to
//! VCL state: HTTP/2 push and header compression, the HTTP/3 `Alt-Svc` advertisement,
//! `103 Early Hints`, response tarpitting, shield selection and the last-hop check (and
//! `beresp.gzip`/`beresp.brotli`/`beresp.do_stream`, recorded the same way).
//!
//! The interpreter does no IO, so the connection-level ones are recorded on
//! [`EdgeRequests`] (`ReqState::edge`) for the proxy to act on. `lacquer serve` paces
//! tarpitted responses and compresses and streams fetched bodies as asked; it has no
//! HTTP/2 push, speaks no HTTP/3 (advertising it would send clients to a port nobody
//! serves) and sends no 1xx responses, so those calls change nothing on the wire and
//! `serve` warns about them at startup (`serve/no-effect`); `lacquer test` can assert what
//! VCL asked for.

use bytes::Bytes;

use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::Value;

pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("h2.push", h2_push as Builtin),
    ("h2.disable_header_compression", h2_disable_header_compression),
    ("h3.alt_svc", h3_alt_svc),
    ("early_hints", early_hints),
    ("resp.tarpit", resp_tarpit),
    ("fastly.try_select_shield", try_select_shield),
    ("fastly.ff.last_hop_was_serviceid", last_hop_was_serviceid),
];

/// What VCL asked of the connection (see the module comment).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeRequests {
    /// `h2.push(resource [, as])`.
    pub h2_push: Vec<(Bytes, Option<Bytes>)>,
    /// `h2.disable_header_compression(name, ...)`: headers not to compress with HPACK.
    pub h2_uncompressed_headers: Vec<Bytes>,
    /// `h3.alt_svc()`.
    pub alt_svc: bool,
    /// `early_hints(value, ...)`: `Link` values for a `103 Early Hints`.
    pub early_hints: Vec<Bytes>,
    /// `resp.tarpit(interval_s [, chunk_size_bytes])`.
    pub tarpit: Option<(i64, Option<i64>)>,
    /// `set beresp.gzip = true` / `set beresp.brotli = true`: compress the fetched object
    /// before storing it (`proxy::compress`).
    pub gzip: bool,
    pub brotli: bool,
    /// `beresp.do_stream`: stream the body to the client while it is fetched (and stored).
    /// `lacquer serve` starts it from the service's streaming-miss setting; false elsewhere.
    pub do_stream: bool,
}

fn h2_push(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let as_ = args::is_set(a, 1).then(|| args::bytes(a, 1));
    ctx.state.edge.h2_push.push((args::bytes(a, 0), as_));
    Ok(Value::Void)
}

fn h2_disable_header_compression(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    for i in 0..a.len() {
        ctx.state.edge.h2_uncompressed_headers.push(args::bytes(a, i));
    }
    Ok(Value::Void)
}

fn h3_alt_svc(ctx: &mut Ctx<'_>, _: &[Value]) -> Result<Value, Fault> {
    ctx.state.edge.alt_svc = true;
    Ok(Value::Void)
}

fn early_hints(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    for i in 0..a.len() {
        ctx.state.edge.early_hints.push(args::bytes(a, i));
    }
    Ok(Value::Void)
}

fn resp_tarpit(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let chunk = (a.len() > 1).then(|| args::int(a, 1));
    ctx.state.edge.tarpit = Some((args::int(a, 0), chunk));
    Ok(Value::Void)
}

/// Fastly: "If the shield named in the first argument is healthy and available, return
/// it. Otherwise return the second argument." lacquer knows only local health.
fn try_select_shield(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(match (a.first(), a.get(1)) {
        (Some(Value::Backend(shield)), _) if !ctx.state.sick_backends.contains(shield) => Value::Backend(*shield),
        (_, Some(fallback)) => fallback.clone(),
        _ => Value::NotSet,
    })
}

/// Whether the previous hop was a Fastly node running `service_id`. lacquer nodes do not
/// forward to one another (no shielding or clustering), so the previous hop is always
/// the client.
fn last_hop_was_serviceid(_: &mut Ctx<'_>, _: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Bool(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::builtins::testkit::{s, Env};

    #[test]
    fn connection_requests_are_recorded() {
        let mut env = Env::new();
        env.call(h2_push, &[s("/style.css")]);
        env.call(h2_push, &[s("/font.woff2"), s("font")]);
        env.call(h2_disable_header_compression, &[s("Authorization"), s("Cookie")]);
        env.call(h3_alt_svc, &[]);
        env.call(early_hints, &[s("</a.css>; rel=preload"), s("</b.js>; rel=preload")]);
        env.call(resp_tarpit, &[Value::Integer(5), Value::Integer(100)]);
        let e = &env.state.edge;
        assert_eq!(
            e.h2_push,
            [(Bytes::from("/style.css"), None), (Bytes::from("/font.woff2"), Some(Bytes::from("font")))]
        );
        assert_eq!(e.h2_uncompressed_headers, [Bytes::from("Authorization"), Bytes::from("Cookie")]);
        assert!(e.alt_svc);
        assert_eq!(e.early_hints.len(), 2);
        assert_eq!(e.tarpit, Some((5, Some(100))));
    }

    #[test]
    fn shield_selection_follows_health() {
        let mut env = Env::new();
        assert_eq!(env.call(try_select_shield, &[Value::Backend(1), Value::Backend(0)]), Value::Backend(1));
        env.state.sick_backends.push(1);
        assert_eq!(env.call(try_select_shield, &[Value::Backend(1), Value::Backend(0)]), Value::Backend(0));
        assert_eq!(env.call(last_hop_was_serviceid, &[s("abc")]), Value::Bool(false));
    }
}
