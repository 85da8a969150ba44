# ERROR (semantic): return state not allowed in this subroutine
# Line 10: vcl_recv cannot return(fetch) (lookup, pass, error, restart, upgrade).
# Line 13: a bare "return;" is not allowed in a built-in subroutine.
# Line 20: vcl_deliver cannot return(pass) (deliver, restart).
# Line 26: vcl_hash can only return(hash).

sub vcl_recv {
#FASTLY recv
  if (req.url.path ~ "^/api/") {
    return(fetch);
  }
  if (req.url.path == "/ping") {
    return;
  }
  return(lookup);
}

sub vcl_deliver {
#FASTLY deliver
  return(pass);
}

sub vcl_hash {
  set req.hash += req.url;
#FASTLY hash
  return(lookup);
}
