sub vcl_recv {
set req.http.X-Plain="a";
  set req.http.X-Concat = "a" req.http.Host "b";
  set req.http.X-Plus = "a"+req.http.Host   +"b";
set var.n += 1; set var.n -= 2; set var.n *= 3; set var.n /= 4; set var.n %= 5;
  set var.n |= 1; set var.n &= 1; set var.n ^= 1; set var.n <<= 1; set var.n >>= 1;
  set var.n rol= 1; set var.n ror= 1; set var.b &&= true; set var.b ||= false;
  unset req.http.Cookie;
  remove req.http.X-Legacy;
  unset req.http.X-Internal-*;
  set req.http.Cookie:session = "abc";
  add req.http.X-Multi = "one";
  call add_headers;
  call greet("x", 2);
  declare local var.n INTEGER;
  declare local var.s STRING = "init";
  declare   local   var.b BOOL;
  declare block var.t TIME = now;
  log "syslog " req.service_id " endpoint :: hello";
  include "recv_extra";
  header.set(req, "X-Fn", "1");
  std.collect(req.http.Cookie);
  esi;
  { set req.http.X-Block = "1"; }
  if(req.restarts > 0){restart;}
  if (req.url ~ "^/admin") { error 403 "Forbidden"; }
  if (req.url ~ "^/gone") { error 410; }
  if (req.url ~ "^/boom") { error; }
  return (lookup);
}
sub vcl_error {
  synthetic {"<html>
  <body>oops</body>
</html>"};
  synthetic.base64 "aGVsbG8=";
  return(deliver);
}
sub leave_early {
  if (req.http.X) { return; }
  set req.http.Y = "1";
}
sub typed STRING {
  return req.http.Host;
}
