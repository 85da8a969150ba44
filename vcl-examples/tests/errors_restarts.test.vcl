# Errors, restarts and synthetic responses.
#
# Fastly: `error STATUS "REASON"` ends the subroutine and hands the request to
# vcl_error with obj.status and obj.response set; `synthetic` (only in vcl_error) sets
# the response body; `restart` runs the request again from vcl_recv with req.restarts
# one higher (Fastly allows three restarts).

describe origin_failover {
  before_fetch {
    # The origin answers 503 every time.
    set beresp.status = 503;
    set beresp.response = "Service Unavailable";
  }

  after_fetch {
    assert.is_notset(beresp.http.Set-Cookie, "a failed fetch sets no cookie");
  }

  // @scope: fetch
  // @suite: the first origin failure restarts the request
  sub test_first_failure_restarts {
    testing.call_subroutine("vcl_fetch");
    assert.restart();
    assert.equal(testing.state, "RESTART");
    assert.equal(req.restarts, 1);
  }

  // @scope: recv
  // @suite: the retried request is marked
  sub test_retry_is_marked {
    testing.call_subroutine("vcl_recv");
    assert.equal(req.http.X-Retry, "1");
    assert.state(lookup);
  }

  // @scope: fetch
  // @suite: the second failure is answered with an error
  sub test_second_failure_errors {
    testing.call_subroutine("vcl_fetch");
    assert.not_restart();
    assert.error(503, "Origin unavailable");
  }

  // @scope: error
  // @suite: the error page shows the status and the reason
  sub test_error_page {
    testing.call_subroutine("vcl_error");
    assert.state(deliver);
    assert.equal(obj.http.Content-Type, "text/html; charset=utf-8");
    assert.equal(testing.synthetic_body, "<!doctype html><title>503 Origin unavailable</title><h1>Origin unavailable</h1>");
    assert.starts_with(testing.synthetic_body, "<!doctype html>");
    assert.ends_with(testing.synthetic_body, "</h1>");
  }
}

// @scope: error
// @suite: an API error is JSON
sub test_api_error_is_json {
  set req.http.X-Cache-Class = "api";
  set obj.status = 503;
  set obj.response = {"Origin "unavailable""};
  testing.call_subroutine("vcl_error");
  assert.equal(obj.http.Content-Type, "application/json");
  assert.is_json(testing.synthetic_body);
  assert.equal(testing.synthetic_body, {json"{"status":503,"message":"Origin \"unavailable\""}"json});
}

// @scope: error
// @suite: the 429 page says when to come back
sub test_429_retry_after {
  set obj.status = 429;
  set obj.response = "Too Many Requests";
  testing.call_subroutine("vcl_error");
  assert.equal(obj.http.Retry-After, "120");
  assert.contains(testing.synthetic_body, "429 Too Many Requests");
  assert.not_contains(testing.synthetic_body, "503");
}

// @scope: error
// @suite: a redirect is a 301 with a Location and an empty body
sub test_redirect_page {
  set obj.status = 801;
  set req.http.X-Redirect-Location = "/shop";
  testing.call_subroutine("vcl_error");
  assert.equal(obj.status, 301);
  assert.equal(obj.response, "Moved Permanently");
  assert.equal(obj.http.Location, "/shop");
  assert.equal(testing.synthetic_body, "");
}

// @scope: recv
// @suite: an error in vcl_recv sets obj.status for vcl_error
sub test_recv_error_handoff {
  set req.url = "/admin";
  testing.call_subroutine("vcl_recv");
  assert.state(error);
  assert.equal(testing.inspect("obj.status"), 403);
  assert.equal(testing.inspect("obj.response"), "Forbidden");
}
