# A production-shaped service for the interpreter benchmark: request normalisation,
# routing by table, ACL checks, cookie handling, cache policy and response headers.

backend F_web { .host = "web.example.com"; .port = "443"; .ssl = true; }
backend F_api { .host = "api.example.com"; .port = "443"; .ssl = true; }
backend F_static { .host = "static.example.com"; .port = "443"; .ssl = true; }

acl internal {
  "10.0.0.0"/8;
  "192.168.0.0"/16;
  "172.16.0.0"/12;
  !"10.0.0.66";
  "2001:db8::"/32;
}

acl blocked {
  "203.0.113.0"/24;
  "198.51.100.7";
}

table redirects {
  "/old-pricing": "/pricing",
  "/blog/2019/launch": "/blog/launch",
  "/docs/v1": "/docs",
  "/careers/apply": "/careers",
}

table route_ttl RTIME {
  "api": 10s,
  "static": 1d,
  "web": 5m,
}

table feature_flags BOOL {
  "new-header": true,
  "legacy-redirects": false,
}

sub normalize_accept_encoding {
  if (req.http.Accept-Encoding) {
    if (req.url.ext ~ "^(?:jpe?g|png|gif|webp|avif|mp4|woff2?)$") {
      unset req.http.Accept-Encoding;
    } elsif (req.http.Accept-Encoding ~ "br") {
      set req.http.Accept-Encoding = "br";
    } elsif (req.http.Accept-Encoding ~ "gzip") {
      set req.http.Accept-Encoding = "gzip";
    } else {
      unset req.http.Accept-Encoding;
    }
  }
}

sub route STRING {
  if (req.url.path ~ "^/api/") {
    return "api";
  }
  if (req.url.ext ~ "^(?:css|js|svg|png|jpe?g|gif|webp|woff2?|ico)$") {
    return "static";
  }
  return "web";
}

sub strip_tracking {
  if (req.url.qs ~ "(?:^|&)(?:utm_[a-z]+|gclid|fbclid|mc_eid)=") {
    set req.http.X-Had-Tracking = "1";
  }
  unset req.http.X-Forwarded-Host;
  unset req.http.X-Original-URL;
}

sub vcl_recv {
#FASTLY recv
  declare local var.route STRING;
  declare local var.target STRING;

  if (client.ip ~ blocked) {
    error 403 "Forbidden";
  }

  if (req.method != "GET" && req.method != "HEAD" && req.method != "POST" && req.method != "PURGE") {
    error 405 "Method Not Allowed";
  }

  set req.http.X-Request-Start = "t=" now.sec;
  if (!req.http.X-Forwarded-Proto) {
    set req.http.X-Forwarded-Proto = if(fastly_info.edge.is_tls, "https", "http");
  }

  if (req.http.Host ~ "^www\.(.+)$") {
    set req.http.X-Canonical-Host = re.group.1;
  } else {
    set req.http.X-Canonical-Host = req.http.Host;
  }

  call strip_tracking;
  call normalize_accept_encoding;

  set var.target = table.lookup(redirects, req.url.path, "");
  if (var.target != "") {
    set req.http.X-Redirect-To = var.target;
    error 601 "redirect";
  }

  set var.route = route();
  set req.http.X-Route = var.route;
  if (var.route == "api") {
    set req.backend = F_api;
    if (req.http.Authorization) {
      return(pass);
    }
  } elsif (var.route == "static") {
    set req.backend = F_static;
    unset req.http.Cookie;
  } else {
    set req.backend = F_web;
  }

  if (client.ip ~ internal) {
    set req.http.X-Internal = "1";
  } else {
    unset req.http.X-Internal;
    unset req.http.X-Debug;
  }

  if (req.http.Cookie) {
    set req.http.X-Session = req.http.Cookie:session;
    set req.http.X-Currency = req.http.Cookie:currency;
    if (!req.http.X-Currency) {
      set req.http.X-Currency = "USD";
    }
    if (req.http.X-Session) {
      set req.http.X-Logged-In = "1";
    }
  }

  if (req.http.User-Agent ~ "(?i)(?:bot|crawler|spider|slurp)") {
    set req.http.X-Bot = "1";
  } elsif (req.http.User-Agent ~ "(?i)mobile|android|iphone") {
    set req.http.X-Device = "mobile";
  } else {
    set req.http.X-Device = "desktop";
  }

  if (req.method == "POST") {
    return(pass);
  }
  if (req.http.X-Logged-In && var.route == "web") {
    return(pass);
  }
  return(lookup);
}

sub vcl_hash {
#FASTLY hash
  set req.hash += req.url;
  set req.hash += req.http.X-Canonical-Host;
  if (req.http.X-Device) {
    set req.hash += req.http.X-Device;
  }
  if (req.http.X-Currency) {
    set req.hash += req.http.X-Currency;
  }
  return(hash);
}

sub vcl_fetch {
#FASTLY fetch
  declare local var.ttl RTIME;

  if (beresp.status >= 500 && beresp.status < 600) {
    if (req.restarts < 1 && (req.method == "GET" || req.method == "HEAD")) {
      restart;
    }
    set beresp.ttl = 1s;
    set beresp.stale_if_error = 1h;
    return(deliver);
  }

  if (beresp.http.Set-Cookie) {
    set beresp.http.X-Uncacheable = "set-cookie";
    return(pass);
  }
  if (beresp.http.Cache-Control ~ "(?:private|no-store)") {
    return(pass);
  }

  set var.ttl = table.lookup_rtime(route_ttl, req.http.X-Route, 2m);
  if (!beresp.http.Cache-Control ~ "max-age" && !beresp.http.Surrogate-Control ~ "max-age") {
    set beresp.ttl = var.ttl;
  }
  set beresp.stale_while_revalidate = 30s;
  set beresp.stale_if_error = 1d;

  if (beresp.http.Content-Type ~ "^(?:text/|application/(?:json|javascript)|image/svg)") {
    set beresp.http.Vary:Accept-Encoding = "";
  }

  if (req.http.X-Route == "static") {
    unset beresp.http.Set-Cookie;
    set beresp.http.Cache-Control:max-age = "86400";
  }

  set beresp.http.X-Backend-Status = beresp.status;
  return(deliver);
}

sub vcl_deliver {
#FASTLY deliver
  set resp.http.X-Served-By = server.identity;
  if (fastly_info.state ~ "^HIT") {
    set resp.http.X-Cache = "HIT";
  } else {
    set resp.http.X-Cache = "MISS";
  }

  if (table.lookup_bool(feature_flags, "new-header", false)) {
    set resp.http.X-Feature = "new-header";
  }

  if (req.http.X-Internal) {
    set resp.http.X-Route = req.http.X-Route;
    set resp.http.X-Device = req.http.X-Device;
    set resp.http.X-Elapsed = time.elapsed.msec "ms";
  } else {
    unset resp.http.X-Backend-Status;
    unset resp.http.Server;
    unset resp.http.X-Powered-By;
    unset resp.http.Via;
  }

  if (resp.status == 404) {
    set resp.http.Cache-Control = "no-store";
  }

  set resp.http.Strict-Transport-Security = "max-age=31536000; includeSubDomains";
  set resp.http.X-Content-Type-Options = "nosniff";
  set resp.http.X-Frame-Options = "SAMEORIGIN";
  set resp.http.Referrer-Policy = "strict-origin-when-cross-origin";
  return(deliver);
}

sub vcl_error {
#FASTLY error
  if (obj.status == 601) {
    set obj.status = 301;
    set obj.response = "Moved Permanently";
    set obj.http.Location = "https://" req.http.X-Canonical-Host req.http.X-Redirect-To;
    synthetic {""};
    return(deliver);
  }
  if (obj.status == 403) {
    set obj.http.Content-Type = "text/html; charset=utf-8";
    synthetic {"<!doctype html><title>Forbidden</title><h1>Forbidden</h1>"};
    return(deliver);
  }
  return(deliver);
}
