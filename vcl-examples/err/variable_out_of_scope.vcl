# ERROR (semantic): variable used in a subroutine where it is not available
# Line 9:  beresp.status is only readable in vcl_fetch, not in vcl_recv.
# Line 18: resp.http.* does not exist yet in vcl_fetch (use beresp.http.*).
# Line 25: bereq.http.* is gone by vcl_deliver (only miss, pass, fetch).

sub vcl_recv {
#FASTLY recv

  if (beresp.status == 404) {
    return(pass);
  }
  return(lookup);
}

sub vcl_fetch {
#FASTLY fetch

  set resp.http.X-Cacheable = "yes";
  return(deliver);
}

sub vcl_deliver {
#FASTLY deliver

  set resp.http.X-Origin-Host = bereq.http.Host;
  return(deliver);
}
