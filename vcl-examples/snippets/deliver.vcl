# Snippet "edge_deliver" (type: deliver): response hygiene.
set resp.http.Permissions-Policy = "geolocation=(), camera=(), microphone=()";
unset resp.http.X-Fetched-By;

if (req.http.X-Internal) {
  set resp.http.X-Region = req.http.X-Region;
  set resp.http.X-Obj-Hits = req.http.X-Obj-Hits;
}

# One retry for a 503 produced while the shield was being replaced
if (resp.status == 503 && req.restarts == 0 && (req.method == "GET" || req.method == "HEAD")) {
  restart;
}
