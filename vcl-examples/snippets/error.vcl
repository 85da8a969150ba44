# Snippet "edge_error" (type: error): synthetic security.txt (raised from the recv snippet).
if (obj.status == 612) {
  set obj.status = 200;
  set obj.response = "OK";
  set obj.http.Content-Type = "text/plain; charset=utf-8";
  set obj.http.Cache-Control = "max-age=86400";
  synthetic {"Contact: mailto:security@example.com
Expires: 2026-12-31T23:00:00.000Z
Preferred-Languages: en, de
"};
  return(deliver);
}
