# ERROR (syntax): unterminated string literal
# Line 8: the double-quoted string is never closed before the end of the line
# ("..." strings cannot span lines; use {"..."} for multi-line text).

sub vcl_error {
#FASTLY error
  if (obj.status == 404) {
    set obj.http.Content-Type = "text/html;
    synthetic {"<h1>Not found</h1>"};
    return(deliver);
  }
  return(deliver);
}
