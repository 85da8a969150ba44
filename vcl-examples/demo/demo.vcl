# lacquer demo service: what `lacquer serve` runs when given no arguments.
# Fastly's custom-VCL boilerplate with a few everyday additions. The backend below is
# rewritten at startup to point at the demo origin `lacquer serve` starts on a free port.

backend F_demo_origin {
  .host = "127.0.0.1";
  .port = "8081";
  .connect_timeout = 1s;
  .first_byte_timeout = 15s;
  .between_bytes_timeout = 10s;
}

sub vcl_recv {
#FASTLY recv
  set req.backend = F_demo_origin;

  # Only cacheable methods are looked up; purges go through the lookup path too.
  if (req.method != "HEAD" && req.method != "GET" && req.method != "FASTLYPURGE") {
    return(pass);
  }

  # Marketing parameters never change the page: drop them so they share one object.
  set req.url = querystring.regfilter(req.url, "^(utm_[a-z]+|gclid|fbclid)$");

  if (req.url.path ~ "^/admin(/|$)") {
    error 403 "Forbidden";
  }

  # The demo origin sets no cookies; do not let clients fragment the cache with theirs.
  unset req.http.Cookie;

  return(lookup);
}

sub vcl_hash {
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

  if (req.restarts > 0) {
    set beresp.http.Fastly-Restarts = req.restarts;
  }

  if (beresp.http.Set-Cookie) {
    set req.http.Fastly-Cachetype = "SETCOOKIE";
    return(pass);
  }

  if (beresp.http.Cache-Control ~ "(private|no-store)") {
    set req.http.Fastly-Cachetype = "PRIVATE";
    return(pass);
  }

  if (!beresp.http.Expires && !beresp.http.Surrogate-Control ~ "max-age" && !beresp.http.Cache-Control ~ "(s-maxage|max-age)") {
    set beresp.ttl = 3600s;
  }

  # Keep serving a slightly old copy while refreshing it, and a day-old one if the
  # origin is down.
  set beresp.stale_while_revalidate = 30s;
  set beresp.stale_if_error = 86400s;

  return(deliver);
}

sub vcl_error {
#FASTLY error

  if (obj.status == 403) {
    set obj.http.Content-Type = "text/plain; charset=utf-8";
    synthetic "Nothing to see here." LF;
    return(deliver);
  }

  # Origin unreachable: a stale copy beats an error page.
  if (obj.status == 503) {
    return(deliver_stale);
  }

  return(deliver);
}

sub vcl_deliver {
#FASTLY deliver
  set resp.http.X-Powered-By = "lacquer";
  return(deliver);
}

sub vcl_log {
#FASTLY log
}
