# The state each built-in subroutine of main.vcl moves to.
#
# Fastly runs the built-in subroutines in a fixed flow: a cache miss goes
# recv -> hash -> miss -> fetch -> deliver -> log, a hit recv -> hash -> hit -> deliver,
# a pass recv -> hash -> pass -> fetch -> deliver. `testing.call_subroutine` runs one of
# them on its own; `testing.state` (and `assert.state`) is the state it moved to. A
# built-in subroutine that ends without `return` does what Fastly's default does
# (vcl_recv: lookup, vcl_hash: hash, vcl_miss: fetch, vcl_pass: pass, others: deliver).

// @scope: recv
// @suite: vcl_recv looks up a plain GET on the app origin
sub test_recv_lookup {
  testing.call_subroutine("vcl_recv");
  assert.state(lookup);
  assert.equal(testing.state, "LOOKUP");
  assert.equal(req.backend, F_app);
  assert.equal(req.http.X-Cache-Class, "page");
}

// @scope: recv
// @suite: vcl_recv passes anything but GET and HEAD
sub test_recv_post_passes {
  set req.method = "POST";
  testing.call_subroutine("vcl_recv");
  assert.state(pass);
}

// @scope: recv
// @suite: vcl_recv passes a request with a session cookie
sub test_recv_session_cookie_passes {
  set req.http.Cookie = "theme=dark; session=abc123";
  testing.call_subroutine("vcl_recv");
  assert.state(pass);
}

// @suite: vcl_recv looks up a request whose cookies hold no session
sub test_recv_other_cookie_looks_up {
  set req.http.Cookie = "theme=dark";
  testing.call_subroutine("vcl_recv");
  assert.state(lookup);
  assert.not_state(pass);
}

// @suite: vcl_recv passes an authorized request
sub test_recv_authorization_passes {
  set req.http.Authorization = "Bearer abc";
  testing.call_subroutine("vcl_recv");
  assert.state(pass);
}

// @suite: static assets go to the bucket, without cookies
sub test_recv_static_asset {
  set req.url = "/img/logo.svg?v=3";
  set req.http.Cookie = "session=abc123";
  testing.call_subroutine("vcl_recv");
  assert.equal(req.backend, F_assets);
  assert.equal(req.http.X-Cache-Class, "static");
  assert.is_notset(req.http.Cookie);
  # The session cookie was removed before the pass check, so this is cacheable.
  assert.state(lookup);
}

// @scope: hash
// @suite: vcl_hash moves to hash
sub test_hash {
  testing.call_subroutine("vcl_hash");
  assert.state(hash);
}

// @scope: hit
// @suite: vcl_hit delivers a cached object
sub test_hit_delivers {
  testing.call_subroutine("vcl_hit");
  assert.state(deliver);
}

// @scope: hit
// @suite: vcl_hit lets office staff skip the cache
sub test_hit_office_no_cache_passes {
  testing.inject_variable("client.ip", "198.51.100.20");
  set req.http.Cache-Control = "no-cache";
  testing.call_subroutine("vcl_hit");
  assert.state(pass);
}

// @scope: hit
// @suite: vcl_hit ignores no-cache from outside the office
sub test_hit_public_no_cache_delivers {
  set req.http.Cache-Control = "no-cache";
  testing.call_subroutine("vcl_hit");
  assert.state(deliver);
}

// @scope: miss
// @suite: vcl_miss fetches without the client's cookies
sub test_miss_fetches {
  set bereq.http.Cookie = "session=abc123";
  testing.call_subroutine("vcl_miss");
  assert.state(fetch);
  assert.is_notset(bereq.http.Cookie);
}

// @scope: pass
// @suite: vcl_pass marks the backend request
sub test_pass {
  testing.call_subroutine("vcl_pass");
  assert.state(pass);
  assert.equal(bereq.http.X-Pass, "1");
}

// @scope: fetch
// @suite: vcl_fetch delivers a good response
sub test_fetch_delivers {
  set beresp.status = 200;
  testing.call_subroutine("vcl_fetch");
  assert.state(deliver);
  assert.not_restart();
  assert.not_error();
}

// @scope: fetch
// @suite: vcl_fetch passes a response that sets a cookie
sub test_fetch_set_cookie_passes {
  set beresp.status = 200;
  set beresp.http.Set-Cookie = "session=new";
  testing.call_subroutine("vcl_fetch");
  assert.state(pass);
  assert.equal(beresp.ttl, 0s);
}

// @scope: deliver
// @suite: vcl_deliver marks a miss and adds the security headers
sub test_deliver_miss {
  testing.call_subroutine("vcl_deliver");
  assert.state(deliver);
  assert.equal(resp.http.X-Cache, "MISS");
  assert.equal(resp.http.X-Frame-Options, "DENY");
  assert.subroutine_called("add_security_headers");
}

// @scope: deliver
// @suite: vcl_deliver marks a hit
sub test_deliver_hit {
  # obj.hits comes from the cache, not from VCL: inject it.
  testing.inject_variable("obj.hits", 3);
  testing.call_subroutine("vcl_deliver");
  assert.equal(resp.http.X-Cache, "HIT");
}

// @scope: log
// @suite: vcl_log ends in deliver
sub test_log {
  testing.call_subroutine("vcl_log");
  assert.state(deliver);
}
