//! The interpreter on small programs: actions, not-set semantics, headers and subfields,
//! regex groups, locals, typed subroutines, goto, errors and conversions.

use bytes::Bytes;
use lacquer::assemble::{MemoryLoader, SourceKind};
use lacquer::catalog::SubKind;
use lacquer::diag::Severity;
use lacquer::interp::state::ReqState;
use lacquer::interp::value::Value;
use lacquer::interp::{run, Runtime};
use lacquer::ir::{Action, Program};

/// Compiles VCL that must check and compile cleanly.
pub fn compile(src: &str) -> Program {
    let mut loader = MemoryLoader::default();
    let a = lacquer::analysis::analyze("test.vcl", src.as_bytes(), SourceKind::File, &mut loader, false);
    let errors: Vec<_> = a.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| &d.message).collect();
    assert!(errors.is_empty(), "check errors: {errors:?}");
    let (program, diags) = lacquer::ir::compile(&a.program.unit, &a.model);
    assert!(diags.is_empty(), "compile errors: {:?}", diags.iter().map(|d| &d.message).collect::<Vec<_>>());
    program
}

fn recv(src: &str, setup: impl FnOnce(&mut ReqState)) -> (Action, ReqState) {
    let program = compile(src);
    let mut state = ReqState::default();
    setup(&mut state);
    let action = run(&program, SubKind::Recv, &mut state, &Runtime::default()).expect("no fault");
    (action, state)
}

fn header(state: &ReqState, name: &str) -> Option<String> {
    state.req.headers.get(name.as_bytes()).map(|v| String::from_utf8_lossy(v).into_owned())
}

#[test]
fn returns_and_default_actions() {
    assert_eq!(recv("sub vcl_recv { return(pass); }", |_| {}).0, Action::Pass);
    // Fastly: vcl_recv ends in `lookup` by default.
    assert_eq!(recv("sub vcl_recv { set req.http.A = \"1\"; }", |_| {}).0, Action::Lookup);
    let program = compile("sub vcl_recv { return(lookup); }");
    let mut st = ReqState::default();
    assert_eq!(
        run(&program, SubKind::Fetch, &mut st, &Runtime::default()).unwrap(),
        Action::Deliver,
        "undefined vcl_fetch delivers"
    );
}

#[test]
fn not_set_is_not_empty() {
    // Fastly: a header that is not set is false in a condition; a set but empty one is true.
    let src = r#"sub vcl_recv {
        if (req.http.Missing) { set req.http.A = "set"; } else { set req.http.A = "notset"; }
        set req.http.Empty = "";
        if (req.http.Empty) { set req.http.B = "set"; }
        set req.http.C = "[" req.http.Missing "]";
    }"#;
    let (_, st) = recv(src, |_| {});
    assert_eq!(header(&st, "A").as_deref(), Some("notset"));
    assert_eq!(header(&st, "B").as_deref(), Some("set"));
    assert_eq!(header(&st, "C").as_deref(), Some("[]"), "not set concatenates as empty");
}

#[test]
fn headers_set_unset_add_and_wildcards() {
    let src = r#"sub vcl_recv {
        set req.http.X-One = "1";
        set req.http.X-Two = "2";
        add req.http.Multi = "a";
        add req.http.Multi = "b";
        unset req.http.X-*;
        set req.http.Kept = req.http.multi;
    }"#;
    let (_, st) = recv(src, |_| {});
    assert_eq!(header(&st, "X-One"), None);
    assert_eq!(header(&st, "X-Two"), None);
    assert_eq!(st.req.headers.get_all(b"multi").count(), 2);
    assert_eq!(header(&st, "Kept").as_deref(), Some("a"), "names are case-insensitive");
}

#[test]
fn header_subfields() {
    let src = r#"sub vcl_recv {
        set req.http.Session = req.http.Cookie:session;
        set req.http.Missing = if(req.http.Cookie:nope, "yes", "no");
        set req.http.Cache-Control:max-age = "60";
        unset req.http.Cookie:tracking;
    }"#;
    let (_, st) = recv(src, |st| {
        st.req.headers.set(b"Cookie", Bytes::from_static(b"tracking=1; session=abc"));
        st.req.headers.set(b"Cache-Control", Bytes::from_static(b"public"));
    });
    assert_eq!(header(&st, "Session").as_deref(), Some("abc"));
    assert_eq!(header(&st, "Missing").as_deref(), Some("no"));
    assert_eq!(header(&st, "Cache-Control").as_deref(), Some("public, max-age=60"));
    assert_eq!(header(&st, "Cookie").as_deref(), Some("session=abc"));
}

#[test]
fn regex_groups_follow_the_last_successful_match() {
    let src = r#"sub vcl_recv {
        if (req.url ~ "^/v(\d+)/(\w+)") { set req.http.Version = re.group.1; }
        if (req.url ~ "^/nomatch(.*)") { set req.http.X = "no"; }
        set req.http.Name = re.group.2;
        if (req.url !~ "^/admin") { set req.http.NotAdmin = "1"; }
    }"#;
    let (_, st) = recv(src, |st| st.req.url = Bytes::from_static(b"/v2/users?x=1"));
    assert_eq!(header(&st, "Version").as_deref(), Some("2"));
    assert_eq!(header(&st, "Name").as_deref(), Some("users"), "a failed match keeps the groups");
    assert_eq!(header(&st, "NotAdmin").as_deref(), Some("1"));
}

#[test]
fn locals_typed_subs_and_goto() {
    let src = r#"
    sub classify(STRING var.path) STRING {
        if (var.path ~ "\.(css|js)$") { return "static"; }
        return "dynamic";
    }
    sub vcl_recv {
        declare local var.n INTEGER;
        declare local var.s STRING;
        set req.http.Zero = var.n;
        set req.http.Unset = if(var.s, "set", "notset");
        set var.n += 5;
        set var.n *= 3;
        set req.http.N = var.n;
        set req.http.Kind = classify(req.url.path);
        goto done;
        set req.http.Skipped = "1";
        done:
        set req.http.After = "1";
    }"#;
    let (_, st) = recv(src, |st| st.req.url = Bytes::from_static(b"/app.js"));
    assert_eq!(header(&st, "Zero").as_deref(), Some("0"));
    assert_eq!(header(&st, "Unset").as_deref(), Some("notset"));
    assert_eq!(header(&st, "N").as_deref(), Some("15"));
    assert_eq!(header(&st, "Kind").as_deref(), Some("static"));
    assert_eq!(header(&st, "Skipped"), None);
    assert_eq!(header(&st, "After").as_deref(), Some("1"));
}

#[test]
fn custom_subs_have_their_own_locals_and_can_end_the_request() {
    let src = r#"
    sub deny { declare local var.x STRING; set var.x = "inner"; error 403; }
    sub vcl_recv {
        declare local var.x STRING;
        set var.x = "outer";
        if (req.url == "/deny") { call deny; }
        set req.http.X = var.x;
    }"#;
    let (action, _) = recv(src, |st| st.req.url = Bytes::from_static(b"/deny"));
    // Fastly: `error` with only a status uses the status's reason phrase.
    assert_eq!(action, Action::Error { status: 403, message: Bytes::from_static(b"Forbidden") });
    let (action, st) = recv(src, |_| {});
    assert_eq!(action, Action::Lookup);
    assert_eq!(header(&st, "X").as_deref(), Some("outer"));
}

#[test]
fn errors_restarts_and_synthetic() {
    assert_eq!(
        recv("sub vcl_recv { error 601 \"Custom\"; }", |_| {}).0,
        Action::Error { status: 601, message: Bytes::from_static(b"Custom") }
    );
    assert_eq!(recv("sub vcl_recv { restart; }", |_| {}).0, Action::Restart);
    let program = compile("sub vcl_error { synthetic.base64 \"aGVsbG8=\"; return(deliver); }");
    let mut st = ReqState::default();
    run(&program, SubKind::Error, &mut st, &Runtime::default()).unwrap();
    assert_eq!(st.synthetic.as_deref(), Some(&b"hello"[..]));
}

#[test]
fn conversions_to_string_and_time_arithmetic() {
    // Fastly renders FLOAT with 3 decimals, RTIME as seconds, BOOL as 1/0, TIME as RFC 1123.
    let src = r#"sub vcl_recv {
        declare local var.f FLOAT;
        declare local var.b BOOL;
        declare local var.t TIME;
        set var.f = 1.5;
        set var.b = true;
        set req.http.F = var.f;
        set req.http.R = "" 3.5d;
        set req.http.B = var.b;
        set var.t = now + 1d;
        set req.http.T = var.t;
        set req.http.Expires = "expires=" now + 1h;
    }"#;
    let (_, st) = recv(src, |st| st.now = 0);
    assert_eq!(header(&st, "F").as_deref(), Some("1.500"));
    assert_eq!(header(&st, "R").as_deref(), Some("302400.000"));
    assert_eq!(header(&st, "B").as_deref(), Some("1"));
    assert_eq!(header(&st, "T").as_deref(), Some("Fri, 02 Jan 1970 00:00:00 GMT"));
    assert_eq!(header(&st, "Expires").as_deref(), Some("expires=Thu, 01 Jan 1970 01:00:00 GMT"));
}

#[test]
fn integer_overflow_and_division_by_zero_set_fastly_error() {
    let src = r#"sub vcl_recv {
        declare local var.i INTEGER;
        set var.i = 9223372036854775807;
        set var.i += 1;
        set req.http.I = var.i;
        set req.http.E1 = fastly.error;
        unset fastly.error;
        set var.i /= 0;
        set req.http.E2 = fastly.error;
    }"#;
    let (_, st) = recv(src, |_| {});
    assert_eq!(header(&st, "I").as_deref(), Some("9223372036854775807"));
    assert_eq!(header(&st, "E1").as_deref(), Some("ERANGE"));
    assert_eq!(header(&st, "E2").as_deref(), Some("EDOM"));
}

#[test]
fn acls_with_negation() {
    // Fastly: negated entries take precedence regardless of order.
    let src = r#"
    acl office { "192.0.2.0"/24; !"192.0.2.66"; "2001:db8::"/32; }
    sub vcl_recv { if (client.ip ~ office) { set req.http.Office = "1"; } }"#;
    for (ip, expected) in [("192.0.2.10", true), ("192.0.2.66", false), ("198.51.100.1", false), ("2001:db8::5", true)]
    {
        let (_, st) = recv(src, |st| st.client_ip = ip.parse().unwrap());
        assert_eq!(header(&st, "Office").is_some(), expected, "{ip}");
    }
}

#[test]
fn url_components_and_hash() {
    let src = r#"sub vcl_recv {
        set req.http.Path = req.url.path;
        set req.http.Ext = req.url.ext;
        set req.http.Qs = req.url.qs;
    }
    sub vcl_hash {
        set req.hash += req.url;
        set req.hash += req.http.host;
        # Not set adds nothing; a URL part adds its bytes; a number its decimal form.
        set req.hash += req.http.X-Missing;
        set req.hash += req.url.ext;
        set req.hash += req.restarts;
        return(hash);
    }"#;
    let program = compile(src);
    let mut st = ReqState::default();
    st.req.url = Bytes::from_static(b"/img/logo.png?v=3");
    st.req.headers.set(b"host", Bytes::from_static(b"example.com"));
    run(&program, SubKind::Recv, &mut st, &Runtime::default()).unwrap();
    assert_eq!(header(&st, "Path").as_deref(), Some("/img/logo.png"));
    assert_eq!(header(&st, "Ext").as_deref(), Some("png"));
    assert_eq!(header(&st, "Qs").as_deref(), Some("v=3"));
    assert_eq!(run(&program, SubKind::Hash, &mut st, &Runtime::default()).unwrap(), Action::Hash);
    assert_eq!(st.hash_input, b"/img/logo.png?v=3example.compng0");
}

#[test]
fn unsupported_variables_fail_to_compile_loudly() {
    let mut loader = MemoryLoader::default();
    let src = "sub vcl_recv { set req.http.X = fastly.ddos_detected; }";
    let a = lacquer::analysis::analyze("t.vcl", src.as_bytes(), SourceKind::File, &mut loader, false);
    let (_, diags) = lacquer::ir::compile(&a.program.unit, &a.model);
    assert!(diags.iter().any(|d| d.message == "not supported yet: variable `fastly.ddos_detected`"), "{diags:?}");
}

#[test]
fn values_render_like_fastly() {
    assert_eq!(Value::Float(2.0).to_bytes(), "2.000");
}

/// The regex prefilter never hides a match: over every pattern of the user-agent
/// classifier and 1,000 user agents, whenever PCRE2 matches, the prefilter lets it through.
#[test]
fn regex_prefilters_never_hide_a_match() {
    let program =
        compile(&std::fs::read_to_string(crate::support::examples_dir().join("ok/ua_classifier.vcl")).unwrap());
    let agents =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data/user_agents.txt"))
            .unwrap();
    let mut with_prefilter = 0;
    let mut matches = 0;
    for re in &program.regexes {
        let Some(p) = &re.prefilter else { continue };
        with_prefilter += 1;
        for ua in agents.lines().filter(|l| !l.starts_with('#')) {
            if re.regex.is_match(ua.as_bytes()).unwrap_or(false) {
                matches += 1;
                assert!(
                    p.may_match(ua.as_bytes()),
                    "prefilter {:?} of {:?} rejects {ua:?}",
                    String::from_utf8_lossy(p.literal()),
                    re.pattern
                );
            }
        }
    }
    assert!(with_prefilter > 200, "only {with_prefilter} of {} patterns have a prefilter", program.regexes.len());
    assert!(matches > 1000);
}

/// The program-wide literal scan (`Program::prefilter_set`, used once a string has been
/// tested a few times) changes no answer: the classifier gives every user agent the same
/// headers with it and without it.
#[test]
fn the_shared_literal_scan_changes_no_classification() {
    let source = std::fs::read_to_string(crate::support::examples_dir().join("ok/ua_classifier.vcl")).unwrap();
    let with_set = compile(&source);
    assert!(with_set.prefilter_set.is_some());
    let mut without = compile(&source);
    without.prefilter_set = None;
    let agents =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data/user_agents.txt"))
            .unwrap();
    let runtime = Runtime::default();
    let mut classified = 0;
    for ua in agents.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let [a, b] = [&with_set, &without].map(|program| {
            let mut st = ReqState::default();
            st.req.headers.set(b"User-Agent", Bytes::copy_from_slice(ua.as_bytes()));
            run(program, SubKind::Recv, &mut st, &runtime).expect("no fault");
            st.req.headers.iter().map(|(n, v)| (n.clone(), v.clone())).collect::<Vec<_>>()
        });
        assert_eq!(a, b, "{ua}");
        classified += usize::from(a.len() > 1);
    }
    assert!(classified > 900, "only {classified} user agents were classified");
}

#[test]
fn request_and_connection_variables() {
    let src = r#"
    backend F_slow { .host = "127.0.0.1"; .port = "80"; .first_byte_timeout = 30s; }
    sub vcl_recv {
        set req.http.Ids = req.xid "|" req.is_purge "|" req.is_ipv6 "|" client.port "|" server.port;
        set req.http.Digest-Before-Hash = if(req.digest, "set", "notset");
        set req.http.Stale = if(stale.exists, "yes", "no") "|" resp.stale "|" resp.stale.is_error "|" resp.stale.is_revalidating;
    }
    sub vcl_miss {
        set req.http.Timeouts = bereq.connect_timeout "|" bereq.first_byte_timeout "|" bereq.between_bytes_timeout;
        set bereq.first_byte_timeout = 2s;
        set req.http.After = bereq.first_byte_timeout;
    }
    sub vcl_deliver {
        set resp.http.Ttfb = time.to_first_byte;
        set resp.http.End = time.end.sec "." time.end.msec_frac;
        set resp.http.Local = resp.is_locally_generated;
    }"#;
    let program = compile(src);
    let mut st = ReqState {
        xid: 42,
        client_ip: "2001:db8::7".parse().unwrap(),
        client_port: 51234,
        server_port: 443,
        time_start: 1_000_000_000_000,
        now: 1_000_000_000_000,
        backend: Some(0),
        ..ReqState::default()
    };
    let rt = Runtime::default();
    run(&program, SubKind::Recv, &mut st, &rt).unwrap();
    assert_eq!(header(&st, "Ids").as_deref(), Some("42|0|1|51234|443"));
    assert_eq!(header(&st, "Digest-Before-Hash").as_deref(), Some("notset"));
    // Fastly (stale.exists): "a non-NULL string if stale content exists and NULL otherwise".
    assert_eq!(header(&st, "Stale").as_deref(), Some("no|0|0|0"));
    // The backend's declared first-byte timeout, Fastly's defaults for the rest
    // (connect 1s, between bytes 10s); a VCL write reads back.
    run(&program, SubKind::Miss, &mut st, &rt).unwrap();
    assert_eq!(header(&st, "Timeouts").as_deref(), Some("1.000|30.000|10.000"));
    assert_eq!(header(&st, "After").as_deref(), Some("2.000"));
    assert_eq!(st.bereq_timeouts[1], Some(2_000_000_000));
    st.now += 250_000_000;
    run(&program, SubKind::Deliver, &mut st, &rt).unwrap();
    let resp = |n: &str| st.resp.headers.get(n.as_bytes()).map(|v| String::from_utf8_lossy(v).into_owned());
    assert_eq!(resp("Ttfb").as_deref(), Some("0.250"));
    assert_eq!(resp("End").as_deref(), Some("1000.250"));
    assert_eq!(resp("Local").as_deref(), Some("0"));
    run(&program, SubKind::Error, &mut st, &rt).unwrap();
    run(&program, SubKind::Deliver, &mut st, &rt).unwrap();
    assert_eq!(st.resp.headers.get(b"Local").map(|v| v.to_vec()), Some(b"1".to_vec()));
}

#[test]
fn req_digest_is_the_sha256_of_the_hash_input() {
    let program = compile("sub vcl_deliver { set resp.http.D = req.digest; }");
    let mut st = ReqState { hash_input: b"abc".to_vec(), ..ReqState::default() };
    run(&program, SubKind::Deliver, &mut st, &Runtime::default()).unwrap();
    // SHA-256("abc"), FIPS 180-2's example.
    assert_eq!(
        st.resp.headers.get(b"D").map(|v| v.to_vec()),
        Some(b"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".to_vec())
    );
}

/// Fastly documents `req.vcl` as `{serviceID}.{version}_{generation}-{hash}`, the hash
/// being of the VCL code; `req.vcl.md5` is that hash.
#[test]
fn req_vcl_names_the_service_version_generation_and_source() {
    let src =
        "sub vcl_recv { set req.http.V = req.vcl; set req.http.N = req.vcl.version; set req.http.M = req.vcl.md5; }";
    let mut loader = MemoryLoader::default();
    let a = lacquer::analysis::analyze("main.vcl", src.as_bytes(), SourceKind::File, &mut loader, false);
    let (mut program, _) = lacquer::ir::compile(&a.program.unit, &a.model);
    program.vcl_md5 = a.program.source_md5();
    // MD5 of the text and the NUL that ends each file.
    let expected = {
        use md5::Digest;
        let d = md5::Md5::digest([src.as_bytes(), b"\0"].concat());
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    assert_eq!(program.vcl_md5, expected);
    let mut st = ReqState {
        service_id: Bytes::from_static(b"SU1Z0isxPaozGVKXdv0eY"),
        vcl_version: 7,
        vcl_generation: 3,
        ..ReqState::default()
    };
    run(&program, SubKind::Recv, &mut st, &Runtime::default()).unwrap();
    assert_eq!(header(&st, "V"), Some(format!("SU1Z0isxPaozGVKXdv0eY.7_3-{expected}")));
    assert_eq!(header(&st, "N").as_deref(), Some("7"));
    assert_eq!(header(&st, "M"), Some(expected));

    // A program nobody gave a source hash: `req.vcl.md5` is not set rather than made up.
    let (_, st) = recv("sub vcl_recv { set req.http.M = if(req.vcl.md5, \"set\", \"not set\"); }", |_| {});
    assert_eq!(header(&st, "M").as_deref(), Some("not set"));
}

/// Fastly: "a floating point number between 0 and 1 derived from the object digest", for
/// handling a chosen share of objects: the same for every request for one object, and
/// spread evenly over objects.
#[test]
fn req_digest_ratio_is_a_stable_even_share_of_objects() {
    let program = compile("sub vcl_deliver { set resp.http.R = req.digest.ratio; }");
    let ratio = |key: &str| {
        let mut st = ReqState { hash_input: key.as_bytes().to_vec(), ..ReqState::default() };
        run(&program, SubKind::Deliver, &mut st, &Runtime::default()).unwrap();
        st.resp.headers.get(b"R").map(|v| String::from_utf8_lossy(v).parse::<f64>().unwrap()).unwrap()
    };
    assert_eq!(ratio("/a"), ratio("/a"));
    let below: usize = (0..1000).filter(|i| ratio(&format!("/object/{i}")) < 0.25).count();
    assert!((200..300).contains(&below), "{below} of 1000 objects below 0.25");
    assert!((0..100).map(|i| ratio(&format!("/o{i}"))).all(|r| (0.0..=1.0).contains(&r)));
}

/// `server.region`, `server.billing_region` and `req.customer_id` come from the node's
/// configuration and are not set when it names none (lacquer cannot know Fastly's).
#[test]
fn site_facts_come_from_the_configuration() {
    let src = "sub vcl_recv { set req.http.R = if(server.region, server.region, \"-\"); \
               set req.http.B = if(server.billing_region, server.billing_region, \"-\"); \
               set req.http.C = if(req.customer_id, req.customer_id, \"-\"); }";
    let (_, st) = recv(src, |_| {});
    assert_eq!(
        [header(&st, "R"), header(&st, "B"), header(&st, "C")],
        [Some("-".to_string()), Some("-".into()), Some("-".into())]
    );
    let (_, st) = recv(src, |st| {
        st.site = Some(std::sync::Arc::new(lacquer::interp::state::SiteInfo {
            region: Some(Bytes::from_static(b"EU-West")),
            billing_region: Some(Bytes::from_static(b"Europe")),
            customer_id: Some(Bytes::from_static(b"x4xCwxxJxGCx123Rx5xTx")),
        }))
    });
    assert_eq!(header(&st, "R").as_deref(), Some("EU-West"));
    assert_eq!(header(&st, "B").as_deref(), Some("Europe"));
    assert_eq!(header(&st, "C").as_deref(), Some("x4xCwxxJxGCx123Rx5xTx"));
}

/// `bereq.fetch_timeout`: "By default, the timeout is disabled. A value of 0 disables the
/// timeout"; it "may be set to any value between 0 and 365d".
#[test]
fn the_fetch_timeout_is_off_until_set_and_capped_at_a_year() {
    let program = compile(
        "sub vcl_miss { set req.http.Before = bereq.fetch_timeout; set bereq.fetch_timeout = 400d; \
         set req.http.Capped = bereq.fetch_timeout; set bereq.fetch_timeout = -5s; set req.http.Low = bereq.fetch_timeout; }",
    );
    let mut st = ReqState::default();
    run(&program, SubKind::Miss, &mut st, &Runtime::default()).unwrap();
    assert_eq!(header(&st, "Before").as_deref(), Some("0.000"));
    assert_eq!(header(&st, "Capped").as_deref(), Some("31536000.000"));
    assert_eq!(header(&st, "Low").as_deref(), Some("0.000"));
}

#[test]
fn regex_groups_are_restored_after_a_call() {
    // falco (the reference interpreter; Fastly does not document it) saves re.group.*
    // before a custom subroutine runs and restores them when it returns.
    let src = r#"
    sub inner {
        set req.http.Seen = re.group.1;
        if (req.url ~ "^/(b)") { set req.http.Inner = re.group.1; }
    }
    sub inner_typed STRING {
        if (req.url ~ "^/(b)") { return re.group.1; }
        return "none";
    }
    sub middle {
        call inner;
        set req.http.Middle = re.group.1;
        if (req.url ~ "^/(.)") { set req.http.Middle-Typed = inner_typed(); }
        set req.http.Middle-After = re.group.1;
    }
    sub vcl_recv {
        if (req.http.Host ~ "^(a)") {
            call middle;
            set req.http.After-Call = re.group.1;
            set req.http.Typed = inner_typed();
            set req.http.After-Typed = re.group.1;
        }
    }"#;
    let (_, st) = recv(src, |st| {
        st.req.url = Bytes::from_static(b"/b");
        st.req.headers.set(b"Host", Bytes::from_static(b"a.example"));
    });
    assert_eq!(header(&st, "Seen").as_deref(), Some("a"), "the callee sees the caller's groups");
    assert_eq!(header(&st, "Inner").as_deref(), Some("b"));
    assert_eq!(header(&st, "Middle").as_deref(), Some("a"), "a nested call's groups do not leak out");
    assert_eq!(header(&st, "Middle-After").as_deref(), Some("b"), "nor replace the middle frame's own");
    assert_eq!(header(&st, "After-Call").as_deref(), Some("a"));
    assert_eq!(header(&st, "Typed").as_deref(), Some("b"));
    assert_eq!(header(&st, "After-Typed").as_deref(), Some("a"));
}

#[test]
fn request_body_and_edge_facts() {
    let src = r#"sub vcl_recv {
        set req.http.Body = if(req.body, req.body, "notset");
        set req.http.B64 = req.body.base64;
        set req.http.Facts = server.pop "|" fastly.is_staging "|" fastly_info.host_header;
    }"#;
    let (_, st) = recv(src, |st| {
        st.req_body = Bytes::from_static(b"a=1\0b=2");
        st.client_host = Some(Bytes::from_static(b"Example.COM"));
    });
    // Fastly (req.body): binary data "will truncate at the first null character".
    assert_eq!(header(&st, "Body").as_deref(), Some("a=1"));
    assert_eq!(header(&st, "B64").as_deref(), Some("YT0xAGI9Mg=="));
    assert_eq!(header(&st, "Facts").as_deref(), Some("LCL|0|Example.COM"));
    // Fastly: "Limited to 8KB in size. Exceeding the limit results in the req.body
    // variable being blank, which returns a not set value".
    let (_, st) = recv(src, |st| st.req_body = Bytes::from(vec![b'x'; 8 * 1024 + 1]));
    assert_eq!(header(&st, "Body").as_deref(), Some("notset"));
}

#[test]
fn obj_entered_is_the_time_since_the_object_was_stored() {
    let program = compile("sub vcl_deliver { set resp.http.Entered = obj.entered; }");
    let mut st = ReqState { now: 50_000_000_000, ..ReqState::default() };
    st.cache.stored_at = 20_000_000_000;
    run(&program, SubKind::Deliver, &mut st, &Runtime::default()).unwrap();
    assert_eq!(st.resp.headers.get(b"Entered").map(|v| v.to_vec()), Some(b"30.000".to_vec()));
}

/// Fastly's beresp.gzip reference: "Setting this will unset beresp.brotli" (and the other way).
#[test]
fn beresp_compression_flags_are_recorded() {
    let program = compile("sub vcl_fetch { set beresp.http.Before = beresp.gzip; set beresp.gzip = true; set beresp.brotli = beresp.gzip; }");
    let mut st = ReqState::default();
    run(&program, SubKind::Fetch, &mut st, &Runtime::default()).unwrap();
    assert_eq!(st.beresp.headers.get(b"Before").map(|v| v.to_vec()), Some(b"0".to_vec()));
    assert!(st.edge.brotli && !st.edge.gzip, "setting brotli unsets gzip");
}
