# www.example-shop.com: production custom VCL (owner: platform-edge, deployed from CI).
# Started from Fastly's custom VCL boilerplate; every vcl_* subroutine keeps its
# #FASTLY macro so UI/API-managed objects (logging, headers, snippets) still apply.

backend F_shop_origin {
  .dynamic = true;
  .share_key = "7kQ2mXc9LpVr3sTb1NwZ4e";
  .host = "origin.example-shop.com";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "origin.example-shop.com";
  .ssl_sni_hostname = "origin.example-shop.com";
  .ssl_check_cert = always;
  .min_tls_version = "1.2";
  .connect_timeout = 1s;
  .first_byte_timeout = 15s;
  .between_bytes_timeout = 10s;
  .max_connections = 400;
  .probe = {
    .dummy = false;
    .request = "HEAD /healthz HTTP/1.1" "Host: origin.example-shop.com" "Connection: close" "User-Agent: Fastly healthcheck";
    .expected_response = 200;
    .interval = 15s;
    .timeout = 5s;
    .window = 5;
    .threshold = 3;
    .initial = 4;
  }
}

# Disaster-recovery origin in the second region; only used after a restart.
backend F_shop_origin_dr {
  .dynamic = true;
  .share_key = "7kQ2mXc9LpVr3sTb1NwZ4e";
  .host = "origin-dr.example-shop.com";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "origin-dr.example-shop.com";
  .ssl_sni_hostname = "origin-dr.example-shop.com";
  .ssl_check_cert = always;
  .connect_timeout = 2s;
  .first_byte_timeout = 20s;
  .between_bytes_timeout = 10s;
  .max_connections = 200;
}

backend F_static_bucket {
  .dynamic = true;
  .share_key = "7kQ2mXc9LpVr3sTb1NwZ4e";
  .host = "example-shop-assets.s3.eu-west-1.amazonaws.com";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "example-shop-assets.s3.eu-west-1.amazonaws.com";
  .ssl_sni_hostname = "example-shop-assets.s3.eu-west-1.amazonaws.com";
  .host_header = "example-shop-assets.s3.eu-west-1.amazonaws.com";
  .always_use_host_header = true;
  .connect_timeout = 1s;
  .first_byte_timeout = 10s;
  .between_bytes_timeout = 5s;
}

# Legacy URLs kept alive for SEO. Values starting with "/" are same-host.
table redirects {
  "/summer-sale": "/sale/summer",
  "/help": "https://support.example-shop.com/",
  "/blog/2019/": "/blog/",
  "/account/orders.php": "/account/orders",
  "/catalog/index.html": "/catalog",
}

acl office_networks {
  "192.0.2.0"/24;
  "198.51.100.17";
  "2001:db8:4000::"/48;
}

# Anything the asset bucket serves.
sub is_static BOOL {
  if (req.url.ext ~ "(?i)^(css|js|mjs|map|png|jpe?g|gif|webp|avif|svg|ico|woff2?|ttf|eot|mp4|webm|pdf)$") {
    return true;
  }
  if (req.url.path ~ "^/(static|assets|_next/static)/") {
    return true;
  }
  return false;
}

# Default TTL by Content-Type when the origin sends no caching headers.
sub ttl_for_content_type(STRING var.content_type) RTIME {
  if (var.content_type ~ "^text/html") {
    return 5m;
  }
  if (var.content_type ~ "^application/(json|ld\+json)") {
    return 30s;
  }
  if (var.content_type ~ "^(image|font|video)/") {
    return 30d;
  }
  if (var.content_type ~ "^(text/css|application/javascript|text/javascript)") {
    return 7d;
  }
  return 1h;
}

# Price zone shown by the storefront; the application varies on it.
sub price_zone(STRING var.country) STRING {
  if (var.country ~ "^(AT|BE|DE|ES|FI|FR|GR|IE|IT|LU|NL|PT|SK|SI|EE|LV|LT|CY|MT|HR)$") {
    return "eur";
  }
  if (var.country == "GB") {
    return "gbp";
  }
  if (var.country ~ "^(US|PR|GU|VI)$") {
    return "usd";
  }
  return "intl";
}

sub normalize_request {
  declare local var.qs_drop STRING;

  # Marketing parameters never change the response: drop them, then sort the rest
  set var.qs_drop = "utm_source" querystring.filtersep() "utm_medium" querystring.filtersep() "utm_campaign" querystring.filtersep() "utm_term" querystring.filtersep() "utm_content" querystring.filtersep() "gclid" querystring.filtersep() "fbclid";
  set req.url = querystring.filter(req.url, var.qs_drop);
  set req.url = querystring.regfilter(req.url, "^(mc_(cid|eid)|_ga|_gl)$");
  set req.url = querystring.clean(req.url);
  set req.url = querystring.sort(req.url);

  # Collapse duplicate slashes and drop a dangling "?" left by the filters
  set req.url = regsuball(req.url, "/{2,}", "/");
  set req.url = regsub(req.url, "\?$", "");

  # The asset bucket is case-insensitive; fold case so the cache is too
  if (is_static()) {
    set req.url = std.tolower(req.url.path) if(req.url.qs != "", "?" req.url.qs, "");
  }

  # Accept-Encoding: only the encodings we store variants for
  if (req.http.Accept-Encoding) {
    if (req.http.Accept-Encoding ~ "\bbr\b") {
      set req.http.Accept-Encoding = "br";
    } elsif (req.http.Accept-Encoding ~ "\bgzip\b") {
      set req.http.Accept-Encoding = "gzip";
    } else {
      unset req.http.Accept-Encoding;
    }
    if (req.url.ext ~ "(?i)^(png|jpe?g|gif|webp|avif|mp4|webm|woff2)$") {
      # already compressed formats
      unset req.http.Accept-Encoding;
    }
  }

  # Only the session cookie matters to the origin
  if (req.http.Cookie) {
    set req.http.X-Session = req.http.Cookie:session;
    if (!req.http.X-Session) {
      unset req.http.Cookie;
    }
  }
}

sub vcl_recv {
  declare local var.redirect_target STRING;
  declare local var.cache_bust BOOL;
#FASTLY recv

  # Fail over to the DR origin when the primary is sick, or when replaying a
  # request that got a 5xx from it (see vcl_fetch)
  set req.backend = F_shop_origin;
  if (!backend.F_shop_origin.healthy || (req.restarts > 0 && req.http.X-Origin-Failover)) {
    set req.backend = F_shop_origin_dr;
  }

  if (!req.http.Fastly-SSL) {
    error 602 "Force TLS";
  }

  if (!req.http.X-Request-ID) {
    set req.http.X-Request-ID = uuid.version4();
  }

  if (std.strlen(req.url) > 2048) {
    error 414 "URI Too Long";
  }

  if (req.method == "POST" && std.atoi(req.http.Content-Length) > 10485760) {
    error 413 "Payload Too Large";
  }

  # Purges must carry a Fastly-Key
  if (req.method == "FASTLYPURGE") {
    set req.http.Fastly-Purge-Requires-Auth = "1";
  }

  # Geo headers consumed by the application
  set req.http.X-Geo-Country = client.geo.country_code;
  set req.http.X-Geo-Continent = client.geo.continent_code;
  set req.http.X-Geo-Region = client.geo.region;
  set req.http.X-Geo-City = client.geo.city.utf8;
  set req.http.X-Geo-Latlong = client.geo.latitude "," client.geo.longitude;
  set req.http.X-Price-Zone = price_zone(client.geo.country_code);
  set req.http.X-Device-Class = if(client.platform.mobile, "mobile", if(client.platform.tablet, "tablet", "desktop"));

  if (client.geo.country_code ~ "^(CU|IR|KP|SY)$" && client.ip !~ office_networks) {
    error 651 "Unavailable For Legal Reasons";
  }

  if (req.url.path ~ "^/(admin|internal)(/|$)" && client.ip !~ office_networks) {
    error 603 "Forbidden";
  }

  if (req.url.path == "/px.gif") {
    error 604 "Pixel";
  }

  if (table.contains(redirects, req.url.path)) {
    set var.redirect_target = table.lookup(redirects, req.url.path, "/");
    if (var.redirect_target !~ "^https?://") {
      set var.redirect_target = "https://" req.http.host var.redirect_target;
    }
    set req.http.X-Redirect-Location = var.redirect_target;
    error 601 "Moved Permanently";
  }

  call normalize_request;

  # Office users can force a refetch with "Cache-Control: no-cache"
  set var.cache_bust = (req.http.Cache-Control ~ "no-cache" && client.ip ~ office_networks);
  if (var.cache_bust) {
    set req.hash_always_miss = true;
  }

  if (req.method != "HEAD" && req.method != "GET" && req.method != "FASTLYPURGE") {
    return(pass);
  }

  if (req.url.path ~ "^/(cart|checkout|account|api/private)(/|$)" || req.http.Authorization) {
    return(pass);
  }

  if (is_static()) {
    set req.backend = F_static_bucket;
    unset req.http.Cookie;
    set req.http.X-Static = "1";
  }

  set req.http.X-Backend-Name = req.backend;

  return(lookup);
}

sub vcl_hash {
  set req.hash += req.url;
  set req.hash += req.http.host;

  # Country-specific pricing pages
  if (req.url.path ~ "^/(deals|pricing)(/|$)") {
    set req.hash += req.http.X-Price-Zone;
  }

#FASTLY hash

  return(hash);
}

sub vcl_hit {
#FASTLY hit
  if (!obj.cacheable) {
    return(pass);
  }
  return(deliver);
}

sub vcl_miss {
#FASTLY miss
  if (req.http.X-Static) {
    unset bereq.http.Cookie;
    unset bereq.http.Authorization;
  }
  unset bereq.http.X-Static;
  set bereq.http.X-Request-ID = req.http.X-Request-ID;
  return(fetch);
}

sub vcl_pass {
#FASTLY pass
  set bereq.http.X-Request-ID = req.http.X-Request-ID;
  if (req.url.path ~ "^/api/") {
    set bereq.first_byte_timeout = 30s;
  }
  return(pass);
}

sub vcl_fetch {
  declare local var.surrogate_ttl STRING;
#FASTLY fetch

  # Origin failover: replay a failed idempotent request once against the DR origin
  if (beresp.status >= 500 && beresp.status < 600) {
    if (req.restarts < 1 && (req.method == "GET" || req.method == "HEAD")) {
      set req.http.X-Origin-Failover = "1";
      restart;
    }
    # Prefer stale content over an error page
    if (stale.exists) {
      return(deliver_stale);
    }
  }

  if (req.restarts > 0) {
    set beresp.http.Fastly-Restarts = req.restarts;
  }

  # Assets never legitimately set cookies
  if (is_static()) {
    unset beresp.http.Set-Cookie;
    set beresp.http.Surrogate-Key = "static " regsub(req.url.path, "^/([^/]+)/.*$", "static-\1");
  }

  if (beresp.http.Set-Cookie) {
    set req.http.Fastly-Cachetype = "SETCOOKIE";
    return(pass);
  }

  if (beresp.http.Cache-Control ~ "(private|no-store)") {
    set req.http.Fastly-Cachetype = "PRIVATE";
    return(pass);
  }

  # Page fragments are assembled at the edge
  if (beresp.http.Content-Type ~ "^text/html" && beresp.http.Surrogate-Control ~ "ESI/1\.0") {
    esi;
  }

  set var.surrogate_ttl = beresp.http.Surrogate-Control:max-age;
  if (var.surrogate_ttl) {
    set beresp.http.X-Surrogate-TTL = var.surrogate_ttl;
  }

  if (beresp.http.Expires || beresp.http.Surrogate-Control ~ "max-age" || beresp.http.Cache-Control ~ "(s-maxage|max-age)") {
    # keep the TTL the origin asked for
  } else {
    set beresp.ttl = ttl_for_content_type(beresp.http.Content-Type);
  }

  if (beresp.status == 404 || beresp.status == 410) {
    set beresp.ttl = 60s;
    set beresp.cacheable = true;
  }

  set beresp.stale_while_revalidate = 60s;
  set beresp.stale_if_error = 1d;

  if (beresp.http.Content-Type ~ "^(text/|application/(javascript|json|xml)|image/svg\+xml)" && !beresp.http.Content-Encoding) {
    if (req.http.Accept-Encoding == "br") {
      set beresp.brotli = true;
    } else if (req.http.Accept-Encoding == "gzip") {
      set beresp.gzip = true;
    }
  }

  return(deliver);
}

sub vcl_error {
#FASTLY error

  # 601: legacy URL found in the redirects table
  if (obj.status == 601) {
    set obj.status = 301;
    set obj.response = "Moved Permanently";
    set obj.http.Location = req.http.X-Redirect-Location;
    set obj.http.Cache-Control = "max-age=3600";
    synthetic {""};
    return(deliver);
  }

  # 602: plain HTTP
  if (obj.status == 602) {
    set obj.status = 301;
    set obj.response = "Moved Permanently";
    set obj.http.Location = "https://" req.http.host req.url;
    synthetic {""};
    return(deliver);
  }

  # 603: internal area requested from outside the office
  if (obj.status == 603) {
    set obj.status = 403;
    set obj.response = "Forbidden";
    set obj.http.Content-Type = "text/html; charset=utf-8";
    synthetic {"<!DOCTYPE html>
<html lang="en">
<head><title>403 Forbidden</title></head>
<body><h1>Access denied</h1><p>This area is only reachable from the corporate network.</p></body>
</html>"};
    return(deliver);
  }

  # 604: analytics pixel answered at the edge
  if (obj.status == 604) {
    set obj.status = 200;
    set obj.response = "OK";
    set obj.http.Content-Type = "image/gif";
    set obj.http.Cache-Control = "no-store";
    synthetic.base64 "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
    return(deliver);
  }

  # 651: sanctioned regions
  if (obj.status == 651) {
    set obj.status = 451;
    set obj.response = "Unavailable For Legal Reasons";
    set obj.http.Content-Type = "text/plain; charset=utf-8";
    synthetic "Sorry, this store is not available in your region (" + req.http.X-Geo-Country + ")." LF;
    return(deliver);
  }

  # Origin unreachable even after failover: branded error page
  if (obj.status >= 500 && obj.status < 600) {
    set obj.http.Content-Type = "text/html; charset=utf-8";
    set obj.http.Retry-After = "30";
    set obj.http.X-Request-ID = req.http.X-Request-ID;
    synthetic {"<!DOCTYPE html>
<html lang="en">
<head><title>We'll be right back</title></head>
<body>
<h1>We'll be right back</h1>
<p>Our store is having a moment. Please try again in a few seconds.</p>
<p class="ref">Reference: "} req.http.X-Request-ID {"</p>
</body>
</html>"};
    return(deliver);
  }

  return(deliver);
}

sub vcl_deliver {
  declare local var.edge_ms STRING;
#FASTLY deliver

  # Browsers revalidate HTML after a minute; the CDN TTL is independent
  if (resp.http.Content-Type ~ "^text/html") {
    set resp.http.Cache-Control = "public";
    set resp.http.Cache-Control:max-age = "60";
    set resp.http.Cache-Control:must-revalidate = "";
  }

  header.set(resp, "Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload");
  set resp.http.X-Content-Type-Options = "nosniff";
  set resp.http.Referrer-Policy = "strict-origin-when-cross-origin";
  set resp.http.X-Request-ID = req.http.X-Request-ID;

  if (!req.http.Cookie:edge_country) {
    add resp.http.Set-Cookie = "edge_country=" req.http.X-Geo-Country "; Path=/; Max-Age=86400; Secure; SameSite=Lax";
  }

  # Debug headers only for the office or with Fastly-Debug
  if (!req.http.Fastly-Debug && client.ip !~ office_networks) {
    goto strip_internal;
  }
  set var.edge_ms = time.elapsed.msec;
  set resp.http.X-Edge-Time-Ms = var.edge_ms;
  set resp.http.X-Edge-Pop = server.datacenter;
  set resp.http.X-Edge-Backend = req.http.X-Backend-Name;
  set resp.http.X-Edge-State = fastly_info.state;
  set resp.http.X-Cache-Key-Digest = digest.hash_sha256(req.digest);
  set resp.http.X-Debug-Signature = digest.hmac_sha256("edge-debug-2024", req.http.X-Request-ID + server.identity);

strip_internal:
  unset resp.http.X-Surrogate-TTL;
  unset resp.http.Server;
  unset resp.http.X-Powered-By;
  header.filter(resp, "x-amz-id-2", "x-amz-request-id", "x-amz-version-id");

  return(deliver);
}

sub vcl_log {
#FASTLY log

  log {"syslog "} req.service_id {" edge-json :: "} "{"
    {""timestamp":""} strftime({"%Y-%m-%dT%H:%M:%SZ"}, time.start) {"","}
    {""request_id":""} json.escape(req.http.X-Request-ID) {"","}
    {""client_ip":""} req.http.Fastly-Client-IP {"","}
    {""country":""} client.geo.country_code {"","}
    {""method":""} req.method {"","}
    {""url":""} json.escape(req.url) {"","}
    {""status":"} resp.status {","}
    {""bytes":"} resp.bytes_written {","}
    {""ttfb":"} time.to_first_byte {","}
    {""cache":""} fastly_info.state {"""} "}";

  if (resp.status >= 500) {
    log {"syslog "} req.service_id {" edge-errors :: "} req.http.X-Request-ID " " resp.status " " req.url;
  }
}
