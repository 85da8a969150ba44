# ERROR (semantic): reference to an undeclared backend, ACL, table and subroutine
# Line 19: backend F_api is not declared (only F_web is).
# Line 21: ACL trusted_clients is not declared.
# Line 24: table url_rewrites is not declared.
# Line 26: subroutine normalize_headers is not declared.

backend F_web {
  .dynamic = true;
  .share_key = "Pq8wE2rT4yU6iO8pA0sD1f";
  .host = "web.example.com";
  .port = "443";
  .ssl = true;
}

sub vcl_recv {
#FASTLY recv
  set req.backend = F_web;
  if (req.url.path ~ "^/api/") {
    set req.backend = F_api;
  }
  if (client.ip ~ trusted_clients) {
    set req.http.X-Trusted = "1";
  }
  set req.url = table.lookup(url_rewrites, req.url.path, req.url);
  if (req.http.X-Trusted) {
    call normalize_headers;
  }
  return(lookup);
}
