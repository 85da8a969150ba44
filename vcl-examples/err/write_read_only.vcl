# ERROR (semantic): assignment to a read-only variable
# Line 10: client.ip is read-only (use client.geo.ip_override to change geolocation).
# Line 11: req.restarts is maintained by Fastly and cannot be set.
# Line 12: server.identity is read-only.
# Line 18: math.PI is a constant.

sub vcl_recv {
#FASTLY recv

  set client.ip = "192.0.2.1";
  set req.restarts = 0;
  set server.identity = "edge-test";
  return(lookup);
}

sub vcl_deliver {
#FASTLY deliver
  set math.PI = 3.0;
  return(deliver);
}
