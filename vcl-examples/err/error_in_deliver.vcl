# ERROR (semantic): statement not allowed in this subroutine
# Line 14: "error" is only allowed in vcl_recv, vcl_hit, vcl_miss, vcl_pass and vcl_fetch.
# Line 22: "restart" is not allowed in vcl_miss (recv, hit, fetch, error, deliver only).
# Line 29: "error" reached through a custom sub that vcl_log calls.

sub vcl_recv {
#FASTLY recv
  return(lookup);
}

sub vcl_deliver {
#FASTLY deliver
  if (resp.status == 404 && req.url.path ~ "^/legacy/") {
    error 410 "Gone";
  }
  return(deliver);
}

sub vcl_miss {
#FASTLY miss
  if (req.restarts == 0 && req.http.X-Retry) {
    restart;
  }
  return(fetch);
}

sub reject_if_flagged {
  if (req.http.X-Flagged) {
    error 403 "Forbidden";
  }
}

sub vcl_log {
#FASTLY log
  call reject_if_flagged;
}
