sub vcl_recv {
  #FASTLY recv
  if (req.url.path ~ "^/api/") {
    set req.http.X-Section = "api";
  } elsif (req.url.path ~ "^/static/") {
    set req.http.X-Section = "static";
  } elseif (req.url.path ~ "^/admin/") {
    set req.http.X-Section = "admin";
  } else if (req.url.path == "/") {
    set req.http.X-Section = "home";
  }
  return(lookup);
}
