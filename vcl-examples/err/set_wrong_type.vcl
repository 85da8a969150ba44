# ERROR (semantic): value of the wrong type in "set"
# Line 15: STRING assigned to the RTIME beresp.ttl ("1h" is a string, 1h is an RTIME).
# Line 16: INTEGER literal assigned to the BOOL beresp.cacheable.
# Line 23: STRING assigned to req.backend (a BACKEND, must name a backend/director).
# Line 24: RTIME literal assigned to the INTEGER local var.retries.

backend F_origin {
  .dynamic = true;
  .share_key = "Lm3nB5vC7xZ9aS1dF2gH4j";
  .host = "origin.example.com";
}

sub vcl_fetch {
#FASTLY fetch
  set beresp.ttl = "1h";
  set beresp.cacheable = 1;
  return(deliver);
}

sub vcl_recv {
  declare local var.retries INTEGER;
#FASTLY recv
  set req.backend = "F_origin";
  set var.retries = 30s;
  if (var.retries > 1) {
    set req.backend = F_origin;
  }
  return(lookup);
}
