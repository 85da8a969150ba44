# bench/varnish.vcl: the Varnish side of the lacquer-vs-Varnish benchmark
# (bench/compare.sh). bench/lacquer.vcl is the same service in Fastly VCL; each block
# below names its counterpart there as "Fastly: ...".
#
# The service: one backend (the bench's nginx origin on 127.0.0.1:18080), every GET/HEAD
# cached by URL + Host for as long as the origin says (Cache-Control: max-age=3600),
# Accept-Encoding normalised, cookies dropped, one response header set. No logging
# statements (std.log/std.syslog); Varnish's shared-memory log is always written and not
# read during the runs.
vcl 4.1;

# Fastly: backend F_origin { ... } with the same timeouts.
backend origin {
    .host = "127.0.0.1";
    .port = "18080";
    .connect_timeout = 1s;
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 10s;
}

sub vcl_recv {
    # Fastly: `set req.backend = F_origin;` (here the only backend is the default).

    # Fastly: the same statements in its vcl_recv.
    if (req.http.Accept-Encoding) {
        if (req.http.Accept-Encoding ~ "gzip") {
            set req.http.Accept-Encoding = "gzip";
        } else {
            unset req.http.Accept-Encoding;
        }
    }
    unset req.http.Cookie;

    # Fastly: `return(pass)` for other methods, `return(lookup)`.
    if (req.method != "HEAD" && req.method != "GET") {
        return (pass);
    }
    return (hash);
}

sub vcl_hash {
    # Fastly: set req.hash += req.url; set req.hash += req.http.host;
    hash_data(req.url);
    hash_data(req.http.host);
    return (lookup);
}

sub vcl_backend_response {
    # Fastly: vcl_fetch. TTL comes from the origin's Cache-Control in both.
    return (deliver);
}

sub vcl_deliver {
    # Fastly: the same header.
    set resp.http.X-Edge = "bench";
    # Fastly adds X-Cache by itself (lacquer too); set it here so both send it.
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    return (deliver);
}
