# ERROR (semantic): regular expressions that PCRE2 rejects
# Line 10: "a{3,1}" has a quantifier range out of order (REGEX table value).
# Line 15: "(unclosed" has an unbalanced parenthesis.
# Line 18: "[a-z" has an unterminated character class.
# Line 21: "*.php$" starts with a quantifier that repeats nothing.
# Line 24: "(?<name" is an unterminated named group (regsub pattern).

table bad_patterns REGEX {
  "ok": "^/static/",
  "broken": "a{3,1}",
}

sub vcl_recv {
#FASTLY recv
  if (req.url ~ "(unclosed") {
    return(pass);
  }
  if (req.http.Host ~ "[a-z") {
    set req.http.X-Host-Lower = "1";
  }
  if (req.url.path ~ "*.php$") {
    error 404;
  }
  set req.url = regsub(req.url, "(?<name", "");
  if (req.url ~ table.lookup_regex(bad_patterns, "ok")) {
    set req.http.X-Static = "1";
  }
  return(lookup);
}
