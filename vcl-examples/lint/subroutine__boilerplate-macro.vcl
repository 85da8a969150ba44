sub vcl_recv {
  #FASTLY recv
  return(lookup);
}

sub vcl_fetch {
  set beresp.ttl = 1h;
  return(deliver);
}

sub vcl_deliver {
  return(deliver);
}
