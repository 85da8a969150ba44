sub vcl_deliver {
  #FASTLY deliver
  set resp.http.Cache-Control = "public";
  set resp.http.Cache-Control = "max-age=60";
  set resp.http.X-Frame-Options = "DENY";
  set resp.http.X-Frame-Options = resp.http.X-Frame-Options;
  return(deliver);
}
