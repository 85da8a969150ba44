sub vcl_fetch {
  #FASTLY fetch
  if (beresp.http.Content-Type ~ "^text/html") {
    set beresp.http.Vary = "Accept-Encoding, Accept-Language";
  }
  return(deliver);
}
