# Counters and limiters (Fastly guide "VCL counters and limiters").
#
# Fastly: `counter.inc(c, key)` "returns the incremented state of the counter" and
# `counter.get(c, key)` "the current value of the counter for the key specified"; "when a
# window elapses, some of the counts accumulated are carried over to the next window"
# (lacquer carries the previous window's count over in proportion to the share of the
# current window not yet elapsed). A limiter works like a counter with a `.max`; lacquer
# stops counting at `.max`. main.vcl counts POSTs to /login and refuses a client's fifth.
#
# The tests of a `describe` group share one request state and one set of counters, so
# this group plays one story in order.

describe login_limits {
  before_recv {
    testing.fixed_time("2024-03-01 12:00:00");
    set req.method = "POST";
    set req.url = "/login";
  }

  // @suite: a login is counted
  sub test_first_login {
    testing.call_subroutine("vcl_recv");
    assert.not_error();
    assert.equal(req.http.X-Logins, "1");
    assert.equal(counter.get(logins, "all"), 1);
    assert.equal(limiter.get(login_attempts, client.ip), 1);
  }

  // @suite: the fifth attempt of a client is refused
  sub test_fifth_attempt_refused {
    assert.equal(limiter.inc(login_attempts, client.ip), 2);
    assert.equal(limiter.inc(login_attempts, client.ip), 3);
    assert.equal(limiter.inc(login_attempts, client.ip), 4);
    testing.call_subroutine("vcl_recv");
    assert.error(429, "Too Many Login Attempts");
    assert.equal(counter.get(logins, "all"), 2);
  }

  // @suite: a limiter never goes past its .max
  sub test_limiter_stays_at_max {
    assert.equal(limiter.inc(login_attempts, client.ip), 5);
    assert.equal(limiter.get(login_attempts, client.ip), 5);
  }

  // @suite: other clients have their own count
  sub test_other_client {
    testing.inject_variable("client.ip", "203.0.113.7");
    testing.call_subroutine("vcl_recv");
    assert.not_error();
    assert.equal(limiter.get(login_attempts, client.ip), 1);
  }

  // @suite: half a window later, half of the previous window is carried over
  sub test_carry_over {
    testing.inject_variable("client.ip", "192.0.2.1");
    testing.fixed_time("2024-03-01 12:01:30");
    assert.equal(counter.get(logins, "all"), 1);
    assert.equal(limiter.get(login_attempts, client.ip), 2);
    testing.call_subroutine("vcl_recv");
    assert.not_error();
  }

  // @suite: two windows later nothing is left
  sub test_counts_expire {
    testing.fixed_time("2024-03-01 12:03:00");
    assert.equal(counter.get(logins, "all"), 0);
    assert.equal(limiter.get(login_attempts, client.ip), 0);
  }
}

// @suite: a key longer than 256 bytes is refused with EINVAL
sub test_long_key {
  declare local var.key STRING;
  set var.key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  set var.key = var.key var.key var.key var.key "x";
  assert.equal(counter.inc(logins, var.key), 0);
  assert.equal(fastly.error, "EINVAL");
}
