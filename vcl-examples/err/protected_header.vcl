# ERROR (semantic): modifying protected headers
# Line 11: Content-Length is computed by Fastly and cannot be set.
# Line 12: Fastly-FF is reserved for Fastly's own forwarding.
# Line 19: Transfer-Encoding cannot be unset.
# Line 25: Proxy-Authorization cannot be set, not even through "add".

sub vcl_recv {
#FASTLY recv

  if (req.method == "POST") {
    set req.http.Content-Length = "0";
    set req.http.Fastly-FF = "cache-ams21081-AMS";
  }
  return(lookup);
}

sub vcl_fetch {
#FASTLY fetch
  unset beresp.http.Transfer-Encoding;
  return(deliver);
}

sub vcl_miss {
#FASTLY miss
  add bereq.http.Proxy-Authorization = "Basic dXNlcjpwYXNz";
  return(fetch);
}
