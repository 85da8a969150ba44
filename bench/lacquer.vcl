# bench/lacquer.vcl: the Fastly-VCL side of the lacquer-vs-Varnish benchmark
# (bench/compare.sh, bench/memory.sh). bench/varnish.vcl is the same service in
# Varnish 4.0+ syntax; each block below names its counterpart there as "Varnish: ...".
#
# The service: one backend (the bench's nginx origin on 127.0.0.1:18080), every GET/HEAD
# cached by URL + Host for as long as the origin says (Cache-Control: max-age=3600),
# Accept-Encoding normalised, cookies dropped, one response header set. No logging:
# vcl_log is empty, and compare.sh runs `lacquer serve` with RUST_LOG=warn so its access
# log (one info line per request on stderr) is off too; Varnish only writes its shared-memory
# log, which nobody reads during the runs.

# Varnish: `backend origin { ... }`. Fastly backends are named F_*; the timeouts are
# Fastly's usual ones (Varnish has the same three with its own defaults).
backend F_origin {
  .host = "127.0.0.1";
  .port = "18080";
  .connect_timeout = 1s;
  .first_byte_timeout = 15s;
  .between_bytes_timeout = 10s;
}

sub vcl_recv {
#FASTLY recv
  # Varnish: implicit (a single backend is the default one).
  set req.backend = F_origin;

  # Varnish: the same statements in its vcl_recv.
  if (req.http.Accept-Encoding) {
    if (req.http.Accept-Encoding ~ "gzip") {
      set req.http.Accept-Encoding = "gzip";
    } else {
      unset req.http.Accept-Encoding;
    }
  }
  unset req.http.Cookie;

  # Varnish: `return (pass)` for other methods, `return (hash)` (Fastly: lookup).
  if (req.method != "HEAD" && req.method != "GET") {
    return(pass);
  }
  return(lookup);
}

sub vcl_hash {
  # Varnish: hash_data(req.url); hash_data(req.http.host);
  set req.hash += req.url;
  set req.hash += req.http.host;
#FASTLY hash
  return(hash);
}

sub vcl_hit {
#FASTLY hit
  return(deliver);
}

sub vcl_miss {
#FASTLY miss
  return(fetch);
}

sub vcl_pass {
#FASTLY pass
  return(pass);
}

sub vcl_fetch {
#FASTLY fetch
  # Varnish: vcl_backend_response. TTL comes from the origin's Cache-Control in both;
  # nothing else to do (the origin sets no cookies).
  return(deliver);
}

sub vcl_error {
#FASTLY error
  return(deliver);
}

sub vcl_deliver {
#FASTLY deliver
  # Varnish: the same header. (Fastly, and so lacquer, adds X-Cache / X-Cache-Hits /
  # X-Served-By / Via / Age by itself; varnish.vcl sets X-Cache to match.)
  set resp.http.X-Edge = "bench";
  return(deliver);
}

sub vcl_log {
#FASTLY log
  # Varnish: no logging statements either.
}
