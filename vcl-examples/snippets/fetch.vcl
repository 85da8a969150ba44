# Snippet "edge_fetch" (type: fetch): TTL policy on top of the origin's headers.
if (beresp.status >= 500 && beresp.status < 600 && stale.exists) {
  return(deliver_stale);
}

if (beresp.status == 404 && req.url.path ~ "^/api/") {
  set beresp.ttl = 15s;
  set beresp.cacheable = true;
}

if (beresp.http.Content-Type ~ "^image/") {
  unset beresp.http.Set-Cookie;
  set beresp.ttl = 7d;
}

set beresp.stale_if_error = 86400s;
set beresp.http.X-Fetched-By = server.identity;
