sub vcl_deliver {
  #FASTLY deliver
  set resp.http.Expires = now + 1d;
  set resp.http.X-Stale-After = "stale=" now - 5m;
  return(deliver);
}
