# Tables and ACLs.
#
# Fastly: `table.lookup` returns the value for a key (keys are case-sensitive), or the
# default, or not set; ACL entries match by network, and a negated entry (`!"10.0.0.99"`)
# takes precedence over the networks that contain it. `testing.table_set` and
# `testing.table_merge` change a table of the main VCL for one test only.

# A fixture table merged into the main VCL's `redirects` by a test below.
table more_redirects {
  "/blog": "https://blog.shop.example/",
}

// @suite: a legacy path redirects through the table
sub test_redirect_from_table {
  set req.url = "/sale?utm_source=mail";
  testing.call_subroutine("vcl_recv");
  # main.vcl signals the redirect with the internal status 801 ...
  assert.error(801, "Moved");
  assert.equal(req.http.X-Redirect-Location, "/shop/sale");
  # ... and vcl_error answers it with a 301.
  testing.call_subroutine("vcl_error");
  assert.state(deliver);
  assert.equal(testing.inspect("obj.status"), 301);
  assert.equal(testing.inspect("obj.http.Location"), "/shop/sale");
}

// @suite: table keys are case-sensitive
sub test_table_keys_are_case_sensitive {
  set req.url = "/SALE";
  testing.call_subroutine("vcl_recv");
  assert.not_error();
  assert.is_notset(table.lookup(redirects, "/SALE"));
  assert.equal(table.lookup(redirects, "/SALE", "none"), "none");
}

// @suite: table_set adds a redirect for this test
sub test_table_set {
  testing.table_set(redirects, "/winter", "/shop/winter");
  set req.url = "/winter";
  testing.call_subroutine("vcl_recv");
  assert.error(801);
  assert.equal(req.http.X-Redirect-Location, "/shop/winter");
  assert.equal(table.lookup(redirects, "/winter"), "/shop/winter");
  # A lookup with a constant key, in a statement (lacquer looks those up when it builds
  # the program, so the table set must be in place by then).
  set req.http.X-Winter = table.lookup(redirects, "/winter", "none");
  assert.equal(req.http.X-Winter, "/shop/winter");
}

// @suite: the next test sees the table as declared again
sub test_table_set_does_not_leak {
  set req.url = "/winter";
  testing.call_subroutine("vcl_recv");
  assert.not_error();
  assert.state(lookup);
  set req.http.X-Winter = table.lookup(redirects, "/winter", "none");
  assert.equal(req.http.X-Winter, "none");
}

// @suite: table_merge copies a fixture table into the main one
sub test_table_merge {
  testing.table_merge(redirects, more_redirects);
  set req.url = "/blog";
  testing.call_subroutine("vcl_recv");
  assert.error(801);
  assert.equal(req.http.X-Redirect-Location, "https://blog.shop.example/");
}

// @suite: /admin is refused outside the office network
sub test_admin_refused_outside {
  set req.url = "/admin/orders";
  testing.call_subroutine("vcl_recv");
  assert.error(403, "Forbidden");
  assert.false(client.ip ~ office);
}

// @suite: /admin is served to the office network
sub test_admin_from_office {
  testing.inject_variable("client.ip", "10.20.30.40");
  set req.url = "/admin/orders";
  testing.call_subroutine("vcl_recv");
  assert.not_error();
  assert.state(lookup);
  assert(client.ip ~ office);
}

// @suite: a negated ACL entry wins over the network that contains it
sub test_admin_refused_from_vpn {
  testing.inject_variable("client.ip", "10.0.0.99");
  set req.url = "/admin";
  testing.call_subroutine("vcl_recv");
  assert.error(403);
}

// @suite: the default client address is 192.0.2.1
sub test_default_client_ip {
  assert.equal(client.ip, std.ip("192.0.2.1", "0.0.0.0"));
  assert.equal(req.http.Host, "localhost");
  assert.equal(req.method, "GET");
  assert.equal(req.url, "/");
}
