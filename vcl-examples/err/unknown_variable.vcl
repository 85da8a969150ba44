# ERROR (semantic): unknown variables
# Line 9:  "client.geo.countrycode" does not exist (client.geo.country_code does).
# Line 10: "req.urlpath" does not exist (req.url.path does).
# Line 18: "beresp.http_status" does not exist (beresp.status does).

sub vcl_recv {
#FASTLY recv

  set req.http.X-Country = client.geo.countrycode;
  if (req.urlpath ~ "^/static/") {
    set req.http.X-Static = "1";
  }
  return(lookup);
}

sub vcl_fetch {
#FASTLY fetch
  if (beresp.http_status == 404) {
    set beresp.ttl = 60s;
  }
  return(deliver);
}
