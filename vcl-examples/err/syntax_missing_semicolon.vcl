# ERROR (syntax): missing ";"
# Line 8: the "set" statement is not terminated, so the parser runs into the
# next "if" while still reading the expression.

sub vcl_recv {
#FASTLY recv

  set req.http.X-Env = "production"
  if (req.url.path ~ "^/admin") {
    return(pass);
  }
  return(lookup);
}
