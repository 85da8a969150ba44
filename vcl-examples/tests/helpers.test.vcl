# The test framework's helpers: typed subroutines, mocks, the fixed clock, the origin
# Host header, backend health and annotations (@skip, @tag).

// @suite: cache_class classifies static assets
sub test_cache_class_static {
  testing.call_subroutine("cache_class", "/fonts/inter.woff2");
  assert.equal(testing.return_value, "static");
}

// @suite: cache_class classifies API calls and pages
sub test_cache_class_api_and_page {
  testing.call_subroutine("cache_class", "/api/cart");
  assert.equal(testing.return_value, "api");
  testing.call_subroutine("cache_class", "/shop/sale");
  assert.equal(testing.return_value, "page");
  # A typed subroutine can also be called directly.
  assert.equal(cache_class("/img/a.png"), "static");
}

// A stand-in for main.vcl's add_security_headers (it also runs as a test, in deliver).
// @scope: deliver
sub mock_security_headers {
  set resp.http.X-Mocked = "1";
}

// A stand-in for the typed cache_class.
sub mock_cache_class(STRING var.path) STRING {
  return "api";
}

describe mocks {
  before_deliver {
    testing.mock("add_security_headers", "mock_security_headers");
  }

  after_deliver {
    testing.restore_all_mocks();
  }

  // @scope: deliver
  // @suite: a mocked subroutine runs in place of the real one
  sub test_mocked_security_headers {
    testing.call_subroutine("vcl_deliver");
    assert.equal(resp.http.X-Mocked, "1");
    assert.is_notset(resp.http.X-Frame-Options);
    # The call is logged under the name that was called.
    assert.subroutine_called("add_security_headers", 1);
    assert.not_subroutine_called("mock_security_headers");
  }

  // @scope: recv
  // @suite: a typed subroutine can be mocked too, and restored
  sub test_mocked_typed_subroutine {
    testing.mock("cache_class", "mock_cache_class");
    testing.call_subroutine("vcl_recv");
    assert.equal(req.http.X-Cache-Class, "api");
    testing.restore_mock("cache_class");
    testing.call_subroutine("vcl_recv");
    assert.equal(req.http.X-Cache-Class, "page");
  }

  // @scope: deliver
  // @suite: restore_all_mocks undoes the mock before_deliver set
  sub test_mocks_restored {
    unset resp.http.X-Mocked;
    testing.restore_all_mocks();
    testing.call_subroutine("vcl_deliver");
    assert.equal(resp.http.X-Frame-Options, "DENY");
  }
}

// @scope: deliver
// @suite: fixed_time fixes now
sub test_fixed_time {
  testing.fixed_time("2023-09-08 16:59:00");
  testing.call_subroutine("vcl_deliver");
  assert.equal(resp.http.X-Generated, "2023-09-08");
  assert.equal(now, std.integer2time(1694192340));
  testing.fixed_time(0);
  assert.equal(now.sec, "0");
}

// @scope: recv
// @suite: the bucket always gets its own Host header
sub test_origin_host_header_assets {
  set req.url = "/img/logo.png";
  testing.call_subroutine("vcl_recv");
  assert.equal(testing.origin_host_header, "assets-bucket.storage.example");
}

// @scope: recv
// @suite: the app origin gets the client's Host header
sub test_origin_host_header_app {
  testing.override_host("www.shop.example");
  testing.call_subroutine("vcl_recv");
  assert.equal(req.http.Host, "www.shop.example");
  assert.equal(testing.origin_host_header, "www.shop.example");
}

// @scope: recv
// @suite: backend health can be set from a test
sub test_backend_health {
  testing.call_subroutine("vcl_recv");
  assert.true(req.backend.healthy);
  testing.set_backend_health(F_app, false);
  assert.false(req.backend.healthy);
  assert.false(backend.F_app.healthy);
  assert.true(backend.F_assets.healthy);
}

// @suite: environment variables are readable
sub test_get_env {
  assert.is_notset(testing.get_env("LACQUER_TEST_SURELY_UNSET_VARIABLE"));
}

// @tag: slow
// @suite: tagged tests run only with --tag slow
sub test_tagged_slow {
  testing.call_subroutine("vcl_recv");
  assert.state(lookup);
}

// @tag: !prod
// @suite: tests tagged !prod run unless --tag prod is given
sub test_not_prod {
  assert.true(true);
}
