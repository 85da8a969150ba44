# ERROR (semantic): duplicate declarations
# Line 14: backend F_origin declared a second time (first on line 8).
# Line 24: acl office declared a second time (first on line 20).
# Line 32: table redirects declared a second time (first on line 28).
# Line 40: sub set_headers declared a second time (first on line 36).
# Line 46: local var.path declared twice in the same subroutine.

backend F_origin {
  .dynamic = true;
  .share_key = "Ty6uI8oP0aS2dF4gH6jK8l";
  .host = "origin-a.example.com";
}

backend F_origin {
  .dynamic = true;
  .share_key = "Ty6uI8oP0aS2dF4gH6jK8l";
  .host = "origin-b.example.com";
}

acl office {
  "192.0.2.0"/24;
}

acl office {
  "198.51.100.0"/24;
}

table redirects {
  "/a": "/b",
}

table redirects {
  "/c": "/d",
}

sub set_headers {
  set req.http.X-A = "1";
}

sub set_headers {
  set req.http.X-B = "1";
}

sub vcl_recv {
  declare local var.path STRING;
  declare local var.path STRING;
#FASTLY recv
  set var.path = table.lookup(redirects, req.url.path, req.url.path);
  set req.backend = F_origin;
  if (client.ip ~ office) {
    call set_headers;
  }
  set req.url = var.path;
  return(lookup);
}
