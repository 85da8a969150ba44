sub vcl_recv {
  #FASTLY recv
  if (req.url.path == "/old-page") {
    error 301 "Moved";
  }
  if (req.url.path == "/gone") {
    error 601 "gone";
  }
  return(lookup);
}

sub vcl_error {
  #FASTLY error
  if (obj.status == 601) {
    set obj.status = 410;
    set obj.response = "Gone";
  }
  return(deliver);
}
