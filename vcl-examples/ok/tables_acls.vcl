# Edge configuration kept in typed tables (one of each value type) and ACLs.
# Dictionaries managed through the API are STRING tables; the typed ones are
# maintained in this file and reviewed like code.

backend F_app_us {
  .dynamic = true;
  .share_key = "Zt3nW9qL1xV6cP2mR8yH4s";
  .host = "app-us.example.org";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "app-us.example.org";
  .ssl_sni_hostname = "app-us.example.org";
}

backend F_app_eu {
  .dynamic = true;
  .share_key = "Zt3nW9qL1xV6cP2mR8yH4s";
  .host = "app-eu.example.org";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "app-eu.example.org";
  .ssl_sni_hostname = "app-eu.example.org";
}

backend F_app_ap {
  .dynamic = true;
  .share_key = "Zt3nW9qL1xV6cP2mR8yH4s";
  .host = "app-ap.example.org";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "app-ap.example.org";
  .ssl_sni_hostname = "app-ap.example.org";
}

acl office {
  "192.0.2.0"/24;
  "198.51.100.64"/26;
  ! "198.51.100.100";
  "2001:db8:1::"/48;
  !"2001:db8:1:ff::"/64;
}

acl monitoring {
  "203.0.113.10";
  "203.0.113.11";
  "2001:db8:ffff::53";
}

acl partners {
  "100.64.12.0"/22;
  "2001:db8:4a00::"/40;
}

# Matches nothing: the safe default for table.lookup_acl.
acl nobody {
}

# STRING (the default type): legacy host aliases, managed as an edge dictionary.
table host_aliases {
  "example.org": "www.example.org",
  "shop.example.org": "www.example.org",
  "m.example.org": "www.example.org",
}

# STRING, written out explicitly.
table locale_by_country STRING {
  "DE": "de-DE",
  "AT": "de-AT",
  "CH": "de-CH",
  "FR": "fr-FR",
  "JP": "ja-JP",
  "BR": "pt-BR",
}

table feature_flags BOOL {
  "new_checkout": true,
  "beta_search": false,
  "image_optimizer": true,
}

table plan_rate_limit INTEGER {
  "free": 60,
  "pro": 600,
  "enterprise": 6000,
  "internal": 0x7fff,
}

table sample_rate FLOAT {
  "checkout": 1.0,
  "search": 0.25,
  "browse": 0.05,
  "bot": 1e-3,
}

table cache_ttl RTIME {
  "html": 5m,
  "api": 30s,
  "image": 30d,
  "font": 1y,
  "feed": 90s,
}

table trusted_proxy IP {
  "lb-use1": "10.0.1.10",
  "lb-euw1": "10.8.1.10",
  "lb-v6": "2001:db8:10::10",
}

table origin_by_continent BACKEND {
  "NA": F_app_us,
  "SA": F_app_us,
  "EU": F_app_eu,
  "AF": F_app_eu,
  "AS": F_app_ap,
  "OC": F_app_ap,
}

table acl_for_path ACL {
  "/admin": office,
  "/metrics": monitoring,
  "/partner-api": partners,
}

table path_class REGEX {
  "image": "(?i)\.(png|jpe?g|gif|webp|avif)$",
  "api": "^/api/v[0-9]+/",
  "feed": "^/(rss|atom|feeds?)(/|\.xml$)",
}

sub vcl_recv {
  declare local var.area STRING;
  declare local var.limit INTEGER;
  declare local var.sample FLOAT;
  declare local var.image_re REGEX;

#FASTLY recv

  # STRING lookups
  if (table.contains(host_aliases, req.http.host)) {
    set req.http.host = table.lookup(host_aliases, req.http.host);
  }
  set req.http.X-Locale = table.lookup(locale_by_country, client.geo.country_code, "en-US");

  # BACKEND lookup keyed on geography
  set req.backend = table.lookup_backend(origin_by_continent, client.geo.continent_code, F_app_us);

  # ACL lookup: the path's first segment decides who may see it
  set var.area = "/" regsub(req.url.path, "^/([^/]+).*$", "\1");
  if (table.contains(acl_for_path, var.area)) {
    if (client.ip !~ table.lookup_acl(acl_for_path, var.area, nobody)) {
      error 403 "Forbidden";
    }
  }

  # Static ACLs
  if (req.url.path ~ "^/(status|healthz)$" && client.ip ~ monitoring) {
    error 200 "OK";
  }
  if (client.ip ~ office) {
    set req.http.X-Internal = "1";
  }

  # BOOL lookups
  if (table.lookup_bool(feature_flags, "new_checkout", false) && req.url.path ~ "^/checkout") {
    set req.url = "/v2" req.url;
  }
  set req.http.X-Beta-Search = if(table.lookup_bool(feature_flags, "beta_search", false), "1", "0");

  # INTEGER lookup
  set var.limit = table.lookup_integer(plan_rate_limit, req.http.X-Plan, 60);
  set req.http.X-Rate-Limit = var.limit;

  # FLOAT lookup
  set var.sample = table.lookup_float(sample_rate, req.http.X-Page-Type, 0.05);
  if (randomint(0, 9999) < 100) {
    set req.http.X-Sampled = var.sample;
  }

  # IP lookup: geolocate on the address our own load balancer reports
  if (req.http.X-LB-Name) {
    set client.geo.ip_override = table.lookup_ip(trusted_proxy, req.http.X-LB-Name, client.ip);
  }

  # REGEX lookups
  set var.image_re = table.lookup_regex(path_class, "image");
  if (req.url.path ~ var.image_re) {
    set req.http.X-Path-Class = "image";
  } else if (req.url.path ~ table.lookup_regex(path_class, "api")) {
    set req.http.X-Path-Class = "api";
    return(pass);
  } else if (req.url.path ~ table.lookup_regex(path_class, "feed")) {
    set req.http.X-Path-Class = "feed";
  } else {
    set req.http.X-Path-Class = "html";
  }

  return(lookup);
}

sub vcl_fetch {
#FASTLY fetch

  # RTIME lookup
  set beresp.ttl = table.lookup_rtime(cache_ttl, req.http.X-Path-Class, 1h);
  if (beresp.http.Content-Type ~ "^font/") {
    set beresp.ttl = table.lookup_rtime(cache_ttl, "font", 30d);
  }
  return(deliver);
}

sub vcl_error {
#FASTLY error

  if (obj.status == 200 && req.url.path ~ "^/(status|healthz)$") {
    set obj.http.Content-Type = "text/plain";
    synthetic "ok" LF;
    return(deliver);
  }
  return(deliver);
}
