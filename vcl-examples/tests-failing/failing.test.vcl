# Every test here but the first fails, each in its own way.

// @suite: passes
sub test_passes {
  testing.call_subroutine("vcl_recv");
  assert.state(lookup);
}

sub test_recv_sets_backend {
  testing.call_subroutine("vcl_recv");
  assert.equal(req.http.X-Cache, "HIT");
}

// @scope: deliver
// @suite: type mismatch
sub test_status_type {
  testing.call_subroutine("vcl_deliver");
  assert.equal(resp.status, "200");
}

// @suite: custom message
sub test_custom_message {
  set req.http.Cookie = "session=1";
  testing.call_subroutine("vcl_recv");
  assert.state(lookup, "a session must not bypass the cache");
}

// @suite: string assertions
sub test_contains {
  testing.call_subroutine("vcl_recv");
  assert.contains(req.http.X-Cache, "HIT");
}

// @suite: unknown subroutine
sub test_unknown_subroutine {
  testing.call_subroutine("vcl_nope");
}

// @skip
sub test_skipped {
  assert.true(false);
}

describe group {
  before_recv {
    assert.is_notset(req.http.X-Cache, "the hook expects a fresh request");
  }

  // @suite: first test in the group
  sub test_first {
    testing.call_subroutine("vcl_recv");
    assert.equal(req.http.X-Cache, "MISS");
  }

  // @suite: second test sees the first one's state
  sub test_second {
    assert.true(true);
  }
}
