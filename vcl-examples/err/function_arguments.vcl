# ERROR (semantic): wrong number or type of function arguments
# Line 16: regsub() takes 3 arguments, 2 given.
# Line 17: std.tolower() takes 1 argument, 0 given.
# Line 18: randomint() wants INTEGER arguments, got a STRING.
# Line 19: substr() wants an INTEGER offset, got a STRING.
# Line 20: querystring.set() takes 3 arguments, 4 given.
# Line 21: table.lookup_integer() wants an INTEGER default, got a STRING.

table limits INTEGER {
  "free": 60,
}

sub vcl_recv {
  declare local var.n INTEGER;
#FASTLY recv
  set req.url = regsub(req.url, "^/v1/");
  set req.http.X-Lower = std.tolower();
  set var.n = randomint("1", 100);
  set req.http.X-Prefix = substr(req.url, "3");
  set req.url = querystring.set(req.url, "page", "1", "extra");
  set var.n = table.lookup_integer(limits, "free", "60");
  if (var.n > 10) {
    set req.http.X-Big = "1";
  }
  return(lookup);
}
