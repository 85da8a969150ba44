# ERROR (syntax): unclosed "{"
# The "if" block opened on line 7 is never closed, so vcl_recv swallows the
# following subroutine and the file ends inside a block.

sub vcl_recv {
#FASTLY recv
  if (req.http.Cookie ~ "session=") {
    return(pass);

  return(lookup);
}

sub vcl_deliver {
#FASTLY deliver
  set resp.http.X-Frame-Options = "DENY";
  return(deliver);
}
