sub vcl_recv {
  #FASTLY recv
  if (req.url.path ~ "^/([a-z]{2})/") {
    if (req.http.Cookie ~ "lang=") {
      set req.http.X-Has-Lang-Cookie = "1";
    }
    # Empty when the Cookie match above succeeded: it replaced the captures.
    set req.http.X-Lang = re.group.1;
  }
  return(lookup);
}
