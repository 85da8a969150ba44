# ERROR (semantic): synthetic response body outside vcl_error
# Line 10: "synthetic" is only allowed in vcl_error (raise an error and build the body there).
# Line 20: "synthetic.base64" likewise.

sub vcl_recv {
#FASTLY recv

  if (req.url.path == "/robots.txt") {
    set req.http.X-Robots = "1";
    synthetic {"User-agent: *
Disallow: /admin/
"};
  }
  return(lookup);
}

sub vcl_deliver {
#FASTLY deliver
  if (resp.status == 404 && req.url.ext == "gif") {
    synthetic.base64 "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
  }
  return(deliver);
}
