// The request the interpreter benchmark runs `request.vcl` on (included by
// `benches/interp.rs` and `examples/request_loop.rs`, so both measure the same thing).

/// A browser's GET for a product page, with the backend response `vcl_fetch` sees.
fn request() -> ReqState {
    let mut st = ReqState::default();
    st.req.url = Bytes::from_static(b"/products/shoes/running?utm_source=news&size=42");
    st.client_ip = "198.18.0.20".parse().unwrap();
    for (n, v) in [
        ("Host", "www.example.com"),
        ("User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"),
        ("Accept-Encoding", "gzip, deflate, br"),
        ("Accept", "text/html,application/xhtml+xml"),
        ("Cookie", "currency=EUR; _ga=GA1.2.3; consent=yes"),
    ] {
        st.req.headers.set(n.as_bytes(), Bytes::from_static(v.as_bytes()));
    }
    st.beresp.status = 200;
    st.beresp.headers.set(b"Content-Type", Bytes::from_static(b"text/html; charset=utf-8"));
    st.beresp.headers.set(b"Cache-Control", Bytes::from_static(b"public"));
    st.resp.status = 200;
    st
}
