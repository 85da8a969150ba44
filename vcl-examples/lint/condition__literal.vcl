sub vcl_recv {
  #FASTLY recv
  if ("/admin" == req.url.path) {
    error 603 "forbidden";
  }
  if (true) {
    set req.http.X-Always = "1";
  }
  return(lookup);
}
