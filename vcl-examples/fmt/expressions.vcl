sub vcl_recv {
  set req.http.Esc = "a%20b%u00e9%u{1F600}";
  set req.http.Long = {"He said "hi""};
  set req.http.Tagged = {X"a "}" in here"X};
  set var.i = 0x5a5A;
  set var.neg = -42;
  set var.f = 1.5e3;
  set var.hf = 0x1.8p1;
  set var.r = 5 m;
  set var.r2 = 1.5h;
  set var.r3 = -10s;
  set var.t = now   +   1d;
  set var.t2 = now - 1h;
  set req.http.Cookie-Expiry = "expires=" now + 1d;
  set var.b = (req.http.A == "x");
  set var.b = !(req.http.A);
  if (!req.http.A&&req.http.B||req.http.C) { esi; }
  if (req.http.A  &&  (req.http.B || req.http.C)) { esi; }
  if (req.url ~ "^/api/" ||
      req.url ~ "^/graphql" ||
      req.url ~ "^/rpc") {
    set req.http.X-Api = "1";
  }
  if (req.http.A &&
      !req.http.B) { esi; }
  set req.http.X-Long = "part one "
    "part two "
    + "part three";
  set req.url = regsuball(req.url,
      "([?&])utm_[^&]+", "\1");
  set req.http.X = if(req.http.Y, "y", "n");
  set req.http.Host = std.tolower(  req.http.Host  );
  set req.http.Sub = subfield(req.http.Cookie, "a", ";");
  set req.http.Empty = randomstr( 8 );
  if (req.http.X-Num > 5 && req.http.X-Num <= 10 && req.http.X-Num != 7) { esi; }
  if (client.ip !~ internal) { esi; }
  set req.http.Lf = "a" LF "b";
}
