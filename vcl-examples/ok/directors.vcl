# Load balancing for media.example.net: one director of each type.
#
#   /video/*      chash   (segments stick to one packager: better origin cache hit ratio)
#   /api/*        random  (stateless API pool, weighted by instance size)
#   /search/*     hash    (same query always lands on the same search node)
#   /session/*    client  (sticky on the session cookie)
#   everything    fallback (primary site, then the DR copy)

backend F_packager_1 {
  .dynamic = true;
  .share_key = "Qm4vL8pX2rT7wZ1cN5bK9a";
  .host = "packager-1.media.example.net";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "packager-1.media.example.net";
  .ssl_sni_hostname = "packager-1.media.example.net";
  .connect_timeout = 1s;
  .first_byte_timeout = 15s;
  .between_bytes_timeout = 10s;
  .probe = {
    .request = "GET /health HTTP/1.1" "Host: packager-1.media.example.net" "Connection: close";
    .expected_response = 200;
    .interval = 5s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
    .initial = 3;
  }
}

backend F_packager_2 {
  .dynamic = true;
  .share_key = "Qm4vL8pX2rT7wZ1cN5bK9a";
  .host = "packager-2.media.example.net";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "packager-2.media.example.net";
  .ssl_sni_hostname = "packager-2.media.example.net";
  .connect_timeout = 1s;
  .first_byte_timeout = 15s;
  .between_bytes_timeout = 10s;
  .probe = {
    .request = "GET /health HTTP/1.1" "Host: packager-2.media.example.net" "Connection: close";
    .expected_response = 200;
    .interval = 5s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
    .initial = 3;
  }
}

backend F_packager_3 {
  .dynamic = true;
  .share_key = "Qm4vL8pX2rT7wZ1cN5bK9a";
  .host = "packager-3.media.example.net";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "packager-3.media.example.net";
  .ssl_sni_hostname = "packager-3.media.example.net";
  .connect_timeout = 1s;
  .first_byte_timeout = 15s;
  .between_bytes_timeout = 10s;
}

backend F_api_large {
  .dynamic = true;
  .share_key = "Qm4vL8pX2rT7wZ1cN5bK9a";
  .host = "10.20.0.11";
  .port = "8080";
  .connect_timeout = 500ms;
  .first_byte_timeout = 5s;
  .between_bytes_timeout = 2s;
  .max_connections = 1000;
}

backend F_api_small {
  .dynamic = true;
  .share_key = "Qm4vL8pX2rT7wZ1cN5bK9a";
  .host = "10.20.0.12";
  .port = "8080";
  .connect_timeout = 500ms;
  .first_byte_timeout = 5s;
  .between_bytes_timeout = 2s;
  .max_connections = 300;
}

backend F_api_canary {
  .dynamic = true;
  .share_key = "Qm4vL8pX2rT7wZ1cN5bK9a";
  .host = "2001:db8:20::13";
  .port = "8080";
  .prefer_ipv6 = true;
  .connect_timeout = 500ms;
  .first_byte_timeout = 5s;
  .between_bytes_timeout = 2s;
}

backend F_site_primary {
  .dynamic = true;
  .share_key = "Qm4vL8pX2rT7wZ1cN5bK9a";
  .host = "www-origin.media.example.net";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "www-origin.media.example.net";
  .ssl_sni_hostname = "www-origin.media.example.net";
  .probe = {
    .request = "HEAD / HTTP/1.1" "Host: www.media.example.net" "Connection: close";
    .expected_response = 200;
    .interval = 10s;
    .timeout = 2s;
    .window = 4;
    .threshold = 2;
    .initial = 2;
  }
}

backend F_site_dr {
  .dynamic = true;
  .share_key = "Qm4vL8pX2rT7wZ1cN5bK9a";
  .host = "www-origin-dr.media.example.net";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "www-origin-dr.media.example.net";
  .ssl_sni_hostname = "www-origin-dr.media.example.net";
}

director video_packagers chash {
  .key = object;
  .seed = 8211;
  .vnodes_per_node = 256;
  .quorum = 50%;
  { .backend = F_packager_1; .id = "packager-1"; }
  { .backend = F_packager_2; .id = "packager-2"; }
  { .backend = F_packager_3; .id = "packager-3"; .weight = 2; }
}

director api_pool random {
  .quorum = 50%;
  .retries = 3;
  { .backend = F_api_large; .weight = 4; }
  { .backend = F_api_small; .weight = 2; }
  { .backend = F_api_canary; .weight = 1; }
}

director search_nodes hash {
  .quorum = 34%;
  { .backend = F_api_large; .weight = 1; }
  { .backend = F_api_small; .weight = 1; }
}

director session_sticky client {
  .quorum = 50%;
  { .backend = F_api_large; .weight = 1; }
  { .backend = F_api_small; .weight = 1; }
}

director site fallback {
  { .backend = F_site_primary; }
  { .backend = F_site_dr; }
}

sub vcl_recv {
#FASTLY recv

  if (req.url.path ~ "^/video/") {
    set req.backend = video_packagers;
  } else if (req.url.path ~ "^/api/") {
    set req.backend = api_pool;
  } else if (req.url.path ~ "^/search/") {
    set req.backend = search_nodes;
  } else if (req.url.path ~ "^/session/") {
    # the client director hashes client.identity (the client IP unless set)
    if (req.http.Cookie:sid) {
      set client.identity = req.http.Cookie:sid;
    }
    set req.backend = session_sticky;
  } else {
    set req.backend = site;
  }

  # Nothing healthy in the chosen pool: fail fast with a clear reason
  if (!req.backend.healthy) {
    error 503 "No healthy origin";
  }

  if (req.url.path ~ "^/video/" && !director.video_packagers.healthy) {
    set req.http.X-Video-Degraded = "1";
  }

  if (req.method != "HEAD" && req.method != "GET" && req.method != "FASTLYPURGE") {
    return(pass);
  }

  return(lookup);
}

sub vcl_deliver {
#FASTLY deliver

  if (req.http.X-Video-Degraded) {
    set resp.http.X-Video-Degraded = "1";
  }
  return(deliver);
}
