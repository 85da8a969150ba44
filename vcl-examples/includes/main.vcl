# Main custom VCL of a service split into several uploaded files.
# Fastly resolves include "NAME"; to the uploaded VCL file called NAME
# (here: NAME.vcl next to this file).

include "acls";

backend F_app {
  .dynamic = true;
  .share_key = "Rb5tY8uK3nM1qW7eZ2xC6v";
  .host = "app.internal.example.com";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "app.internal.example.com";
  .ssl_sni_hostname = "app.internal.example.com";
  .first_byte_timeout = 20s;
}

sub vcl_recv {
#FASTLY recv

  set req.backend = F_app;
  include "recv_logic";

  if (req.method != "HEAD" && req.method != "GET" && req.method != "FASTLYPURGE") {
    return(pass);
  }
  return(lookup);
}

sub vcl_hash {
  set req.hash += req.url;
  set req.hash += req.http.host;
#FASTLY hash
  return(hash);
}

sub vcl_fetch {
#FASTLY fetch
  if (beresp.http.Set-Cookie) {
    return(pass);
  }
  return(deliver);
}

sub vcl_error {
#FASTLY error
  if (obj.status == 403) {
    set obj.http.Content-Type = "text/plain";
    synthetic "Forbidden" LF;
  }
  return(deliver);
}

sub vcl_deliver {
#FASTLY deliver
  if (req.http.X-Staff) {
    set resp.http.X-Served-By-Edge = server.identity;
  }
  return(deliver);
}
