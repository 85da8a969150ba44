# Leftovers from a migration: the old origin, its ACL and a helper nobody calls.

backend F_origin {
  .host = "origin.example.com";
  .port = "443";
  .ssl = true;
}

backend F_legacy_origin {
  .host = "legacy.example.com";
  .port = "443";
  .ssl = true;
}

acl legacy_office {
  "192.0.2.0"/24;
}

table redirects {
  "/old": "/new",
}

ratecounter api_requests { }

sub strip_tracking {
  set req.url = querystring.regfilter(req.url, "^utm_");
}

sub vcl_recv {
  #FASTLY recv
  set req.backend = F_origin;
  if (table.contains(redirects, req.url.path)) {
    error 601 "redirect";
  }
  return(lookup);
}
