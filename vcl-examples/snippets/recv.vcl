# Snippet "edge_recv" (type: recv, priority 100): spliced into vcl_recv.
# Runs before the generated default conditions (Fastly places recv snippets inside the
# #FASTLY recv expansion, ahead of the backend assignment).

if (req.method == "FASTLYPURGE" && !req.http.X-Internal) {
  error 403 "Purge not allowed";
}

if (req.url.path == "/.well-known/security.txt") {
  error 612 "security.txt";
}

unset req.http.X-Forwarded-Host;
set req.url = querystring.globfilter(req.url, "utm_*");

if (req.url.path ~ "^/api/") {
  return(pass);
}
