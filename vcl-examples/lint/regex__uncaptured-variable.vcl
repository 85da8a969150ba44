sub vcl_recv {
  #FASTLY recv
  if (req.url.path ~ "^/products/([0-9]+)") {
    set req.http.X-Product = re.group.1;
    set req.http.X-Variant = re.group.2;
  }
  return(lookup);
}

sub vcl_deliver {
  #FASTLY deliver
  set resp.http.X-Product = re.group.1;
  return(deliver);
}
