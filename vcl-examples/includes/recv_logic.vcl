# Included inside vcl_recv of main.vcl: statements only.

if (client.ip ~ denied_networks) {
  error 403 "Forbidden";
}

if (client.ip ~ staff_networks) {
  set req.http.X-Staff = "1";
} else {
  unset req.http.X-Staff;
  if (req.url.path ~ "^/(admin|preview)(/|$)") {
    error 403 "Forbidden";
  }
}
