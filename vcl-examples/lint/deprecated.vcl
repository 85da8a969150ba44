sub vcl_recv {
  #FASTLY recv
  set req.url = boltsort.sort(req.url);
  return(lookup);
}

sub vcl_fetch {
  #FASTLY fetch
  set beresp.grace = 1h;
  return(deliver);
}
