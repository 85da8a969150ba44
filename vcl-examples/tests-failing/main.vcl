# A deliberately failing test suite: tests/it/testing.rs snapshots how `lacquer test`
# reports failures (`lacquer test vcl-examples/tests-failing/main.vcl` exits 1). It is
# not beside vcl-examples/tests/main.vcl, so the example suite never picks it up.

backend F_origin {
  .host = "origin.example";
  .port = "443";
}

sub vcl_recv {
  #FASTLY recv
  set req.backend = F_origin;
  if (req.http.Cookie:session) {
    set req.http.X-Cache = "BYPASS";
    return(pass);
  }
  set req.http.X-Cache = "MISS";
  return(lookup);
}

sub vcl_deliver {
  #FASTLY deliver
  set resp.status = 200;
  set resp.http.X-Powered-By = "lacquer";
  return(deliver);
}
