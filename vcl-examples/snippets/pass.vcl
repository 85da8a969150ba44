# Snippet "edge_pass" (type: pass): slow report endpoints get more time.
set bereq.http.X-Pass-Reason = if(req.http.Authorization, "auth", "rule");
if (req.url.path ~ "^/api/reports/") {
  set bereq.first_byte_timeout = 60s;
  set bereq.between_bytes_timeout = 30s;
}
