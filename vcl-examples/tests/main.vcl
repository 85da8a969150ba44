# shop.example: a storefront in front of two origins, the web application and a bucket
# of static assets. Its unit tests are the *.test.vcl files beside it:
#
#   lacquer test vcl-examples/tests/main.vcl
#
# What it does:
#  * per-client rate limiting (50 req/s over 10s, then a 2 minute penalty);
#  * legacy URLs redirect through a table (internal status 801, answered in vcl_error);
#  * /admin only from the office network (an ACL);
#  * static assets go to the bucket, without cookies, cached for a day;
#  * a 5xx from an origin is retried once with a restart, then answered with an error page;
#  * a session cookie or an Authorization header bypasses the cache.

backend F_app {
  .host = "app.shop.example";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "app.shop.example";
  .ssl_sni_hostname = "app.shop.example";
  .first_byte_timeout = 15s;
}

backend F_assets {
  .host = "assets-bucket.storage.example";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "assets-bucket.storage.example";
  .ssl_sni_hostname = "assets-bucket.storage.example";
  .always_use_host_header = true;
}

# Legacy paths and where they live now.
table redirects {
  "/old-shop": "/shop",
  "/sale": "/shop/sale",
}

# The office network; the VPN concentrator is not trusted.
acl office {
  "10.0.0.0"/8;
  "198.51.100.0"/24;
  !"10.0.0.99";
}

penaltybox abusers {
}

ratecounter requests_by_client {
}

# Login attempts: all of them (estimated over a minute), and per client, capped at 5.
counter logins {
  .type = "estimated";
  .time_window = 60s;
}

limiter login_attempts {
  .max = 5;
  .time_window = 60s;
}

# How a path is cached: static assets, API calls, or pages.
sub cache_class(STRING var.path) STRING {
  if (var.path ~ "\.(css|js|png|jpe?g|gif|svg|ico|woff2?)$") {
    return "static";
  }
  if (var.path ~ "^/api/") {
    return "api";
  }
  return "page";
}

sub add_security_headers {
  set resp.http.X-Frame-Options = "DENY";
  set resp.http.X-Content-Type-Options = "nosniff";
  set resp.http.Strict-Transport-Security = "max-age=31536000";
}

sub vcl_recv {
  #FASTLY recv

  if (req.restarts == 0) {
    if (ratelimit.check_rate(client.ip, requests_by_client, 1, 10, 50, abusers, 2m)) {
      error 429 "Too Many Requests";
    }
  }

  if (req.url.path == "/login" && req.method == "POST") {
    set req.http.X-Logins = counter.inc(logins, "all");
    if (limiter.inc(login_attempts, client.ip) >= 5) {
      error 429 "Too Many Login Attempts";
    }
  }

  if (table.contains(redirects, req.url.path)) {
    set req.http.X-Redirect-Location = table.lookup(redirects, req.url.path);
    error 801 "Moved";
  }

  if (req.url.path ~ "^/admin" && client.ip !~ office) {
    error 403 "Forbidden";
  }

  set req.http.X-Cache-Class = cache_class(req.url.path);
  if (req.http.X-Cache-Class == "static") {
    set req.backend = F_assets;
    unset req.http.Cookie;
  } else {
    set req.backend = F_app;
  }

  if (req.restarts > 0) {
    set req.http.X-Retry = "1";
  }

  if (req.method != "GET" && req.method != "HEAD") {
    return(pass);
  }
  if (req.http.Cookie:session || req.http.Authorization) {
    return(pass);
  }
  return(lookup);
}

sub vcl_hash {
  #FASTLY hash
  set req.hash += req.url;
  set req.hash += req.http.Host;
  return(hash);
}

sub vcl_hit {
  #FASTLY hit
  # Staff can skip the cache with a no-cache request.
  if (req.http.Cache-Control ~ "no-cache" && client.ip ~ office) {
    return(pass);
  }
  return(deliver);
}

sub vcl_miss {
  #FASTLY miss
  unset bereq.http.Cookie;
  return(fetch);
}

sub vcl_pass {
  #FASTLY pass
  set bereq.http.X-Pass = "1";
  return(pass);
}

sub vcl_fetch {
  #FASTLY fetch

  # An origin failure: retry once, then answer with the error page.
  if (beresp.status >= 500 && beresp.status < 600) {
    if (req.restarts < 1) {
      restart;
    }
    error 503 "Origin unavailable";
  }

  if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "(private|no-store)") {
    set beresp.ttl = 0s;
    return(pass);
  }

  if (req.http.X-Cache-Class == "static") {
    set beresp.ttl = 1d;
    set beresp.http.Cache-Control:max-age = "86400";
  } else if (!beresp.http.Cache-Control:max-age) {
    set beresp.ttl = 5m;
  }
  return(deliver);
}

sub vcl_error {
  #FASTLY error

  if (obj.status == 801) {
    set obj.status = 301;
    set obj.response = "Moved Permanently";
    set obj.http.Location = req.http.X-Redirect-Location;
    synthetic "";
    return(deliver);
  }

  if (obj.status == 429) {
    set obj.http.Retry-After = "120";
  }
  if (req.http.X-Cache-Class == "api") {
    set obj.http.Content-Type = "application/json";
    synthetic {"{"status":"} obj.status {","message":""} json.escape(obj.response) "%22%7D";
    return(deliver);
  }
  set obj.http.Content-Type = "text/html; charset=utf-8";
  synthetic {"<!doctype html><title>"} obj.status " " obj.response {"</title><h1>"} obj.response {"</h1>"};
  return(deliver);
}

sub vcl_deliver {
  #FASTLY deliver

  if (obj.hits > 0) {
    set resp.http.X-Cache = "HIT";
  } else {
    set resp.http.X-Cache = "MISS";
  }
  set resp.http.X-Generated = strftime({"%Y-%m-%d"}, now);
  call add_security_headers;

  if (client.ip !~ office) {
    unset resp.http.Via;
    unset resp.http.X-Served-By;
  }
  if (req.http.X-Cache-Class == "static") {
    set resp.http.Cache-Control:immutable = "";
  }
  return(deliver);
}

sub vcl_log {
  #FASTLY log
}
