# Edge rate limiting.
#
# Fastly: a rate counter counts increments per entry (here the client address) in
# one-second buckets; `ratelimit.check_rate(entry, rc, delta, window, limit, pb, ttl)`
# adds `delta`, then answers true when the entry is in the penalty box or when its
# average rate over the window (increments in the last `window` seconds / `window`)
# exceeds `limit` per second, in which case the entry also goes in the penalty box for
# `ttl`. main.vcl allows 50 requests per second over 10 seconds.
#
# The tests of a `describe` group share one request state and one set of counters (as
# falco documents), so this group plays one client's story in order.

describe rate_limiting {
  before_recv {
    # The same second for every test of the group.
    testing.fixed_time("2024-03-01 12:00:00");
  }

  // @suite: a normal client is not limited
  sub test_normal_client {
    testing.call_subroutine("vcl_recv");
    assert.not_error();
    assert.equal(ratecounter.requests_by_client.bucket.10s, 1);
  }

  // @suite: more than 50 requests per second over 10 seconds are refused
  sub test_flood_is_refused {
    declare local var.count INTEGER;
    # 499 more requests in this second: with the next one, 501 / 10s > 50 per second.
    set var.count = ratelimit.ratecounter_increment(requests_by_client, client.ip, 499);
    assert.equal(var.count, 500);
    testing.call_subroutine("vcl_recv");
    assert.error(429, "Too Many Requests");
    assert.true(ratelimit.penaltybox_has(abusers, client.ip));
  }

  // @suite: a penalised client stays refused
  sub test_penalty_box_holds {
    testing.call_subroutine("vcl_recv");
    assert.error(429);
  }

  // @suite: other clients are not affected
  sub test_other_client {
    testing.inject_variable("client.ip", "203.0.113.7");
    testing.call_subroutine("vcl_recv");
    assert.not_error();
    assert.false(ratelimit.penaltybox_has(abusers, client.ip));
  }

  // @suite: the penalty ends after two minutes
  sub test_penalty_expires {
    testing.inject_variable("client.ip", "192.0.2.1");
    testing.fixed_time("2024-03-01 12:02:01");
    assert.false(ratelimit.penaltybox_has(abusers, client.ip));
  }
}

// @suite: the counters start empty in every top-level test
sub test_counters_are_fresh {
  assert.false(ratelimit.penaltybox_has(abusers, client.ip));
  testing.call_subroutine("vcl_recv");
  assert.not_error();
}

// @skip
// @suite: falco's fixed_access_rate (lacquer's counters count real increments)
sub test_fixed_access_rate {
  testing.fixed_access_rate(100.0);
  testing.call_subroutine("vcl_recv");
  assert.error(429);
}
