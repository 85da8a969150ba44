# Headers, header subfields and not-set values.
#
# Fastly: a header that was never set (or was unset) is *not set*, which is different
# from the empty string: it is false in a condition while a set-but-empty header is
# true, and it renders as "" when concatenated. A subfield `req.http.NAME:key` reads one
# `key=value` field of a header: Cookie fields are separated by `;`, every other
# header's by `,`; a bare `key` reads as "", a missing key as not set.

// @suite: a header that was never set is not set, not empty
sub test_not_set_is_not_empty {
  declare local var.seen BOOL;
  assert.is_notset(req.http.X-Missing);
  if (req.http.X-Missing) {
    set var.seen = true;
  }
  assert.false(var.seen, "a missing header is false in a condition");

  set req.http.X-Empty = "";
  assert(req.http.X-Empty, "an empty header is set, so it is true");
  assert.equal(req.http.X-Empty, "");

  set req.http.X-Joined = "[" req.http.X-Missing "]";
  assert.equal(req.http.X-Joined, "[]");

  unset req.http.X-Empty;
  assert.is_notset(req.http.X-Empty);
}

// @suite: locals start at their zero values
sub test_local_zero_values {
  declare local var.s STRING;
  declare local var.n INTEGER;
  declare local var.b BOOL;
  declare local var.t RTIME;
  assert.is_notset(var.s);
  assert.equal(var.n, 0);
  assert.false(var.b);
  assert.equal(var.t, 0s);
}

// @suite: header names are case-insensitive
sub test_header_names_ignore_case {
  set req.http.x-custom = "v";
  assert.equal(req.http.X-Custom, "v");
  assert.equal_fold(req.http.X-CUSTOM, "V");
}

// @suite: caseless tests of a header see its value of the moment
sub test_caseless_tests_follow_the_header {
  // Long enough that the header is lower-cased once and searched for each test.
  set req.http.User-Agent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15";
  if (req.http.User-Agent ~ "(?i)bot|crawler|spider") { set req.http.X-Seen = "bot"; } else { set req.http.X-Seen = "person"; }
  if (req.http.User-Agent ~ "(?i)MACINTOSH|windows") { set req.http.X-Seen = req.http.X-Seen ",desktop"; }
  set req.http.User-Agent = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) Safari/537";
  if (req.http.User-Agent ~ "(?i)bot|crawler|spider") { set req.http.X-Seen = req.http.X-Seen ",bot"; }
  if (req.http.User-Agent ~ "(?i)MACINTOSH|windows") { set req.http.X-Seen = req.http.X-Seen ",desktop"; }
  assert.equal(req.http.X-Seen, "person,desktop,bot");
}

// @suite: Cookie subfields are separated by semicolons
sub test_cookie_subfields {
  set req.http.Cookie = "theme=dark; session=abc123; consent";
  assert.equal(req.http.Cookie:theme, "dark");
  assert.equal(req.http.Cookie:consent, "");
  assert.is_notset(req.http.Cookie:missing);

  unset req.http.Cookie:theme;
  assert.equal(req.http.Cookie, "session=abc123; consent");

  set req.http.Cookie:session = "rotated";
  assert.equal(req.http.Cookie, "session=rotated; consent");
}

// @suite: a header written from a subfield, another header, a string field or a regex group
sub test_header_copies {
  set req.http.Cookie = "theme=dark; session=abc123; consent";
  set req.http.X-Theme = req.http.Cookie:theme;
  assert.equal(req.http.X-Theme, "dark");
  // A subfield without a value reads as "", one that is missing as not set; both write
  // an empty header (not set is "" on the right of `set`).
  set req.http.X-Consent = req.http.Cookie:consent;
  assert.equal(req.http.X-Consent, "");
  set req.http.X-Missing = req.http.Cookie:missing;
  assert.equal(req.http.X-Missing, "");

  set req.http.X-Copy = req.http.X-Theme;
  assert.equal(req.http.X-Copy, "dark");
  set req.http.X-Copy = req.http.X-Nope;
  assert.equal(req.http.X-Copy, "");
  set req.http.X-Method = req.method;
  assert.equal(req.http.X-Method, req.method);

  // From a regex group: a group that took part in the match, and one that did not (not
  // set, so the header is written empty).
  if (req.http.Cookie ~ "theme=([a-z]+)(;x)?") {
    set req.http.X-Group = re.group.1;
    set req.http.X-No-Group = re.group.2;
  }
  assert.equal(req.http.X-Group, "dark");
  assert.equal(req.http.X-No-Group, "");
}

// @suite: other headers' subfields are separated by commas
sub test_comma_subfields {
  set req.http.Cache-Control = "public, max-age=60";
  assert.equal(req.http.Cache-Control:max-age, "60");
  set req.http.Cache-Control:max-age = "120";
  assert.equal(req.http.Cache-Control, "public, max-age=120");
  set req.http.Cache-Control:stale-if-error = "600";
  assert.equal(req.http.Cache-Control, "public, max-age=120, stale-if-error=600");
}

// @scope: fetch
// @suite: static assets are cached for a day with a max-age subfield
sub test_fetch_static_max_age {
  set req.http.X-Cache-Class = "static";
  set beresp.status = 200;
  set beresp.http.Cache-Control = "public";
  testing.call_subroutine("vcl_fetch");
  assert.equal(beresp.ttl, 1d);
  assert.equal(beresp.http.Cache-Control, "public, max-age=86400");
  assert.equal(beresp.http.Cache-Control:max-age, "86400");
}

// @scope: fetch
// @suite: an origin max-age keeps the origin's TTL
sub test_fetch_origin_max_age {
  set beresp.status = 200;
  set beresp.http.Cache-Control = "public, max-age=600";
  set beresp.ttl = 600s;
  testing.call_subroutine("vcl_fetch");
  assert.equal(beresp.ttl, 10m);
}

// @scope: fetch
// @suite: without a max-age a page is cached for 5 minutes
sub test_fetch_default_ttl {
  set beresp.status = 200;
  testing.call_subroutine("vcl_fetch");
  assert.equal(beresp.ttl, 5m);
}

// @scope: fetch
// @suite: a private response is passed, never cached
sub test_fetch_private {
  set beresp.status = 200;
  set beresp.http.Cache-Control = "private, max-age=60";
  testing.call_subroutine("vcl_fetch");
  assert.state(pass);
  assert.equal(beresp.ttl, 0s);
}

// @scope: deliver
// @suite: immutable is added to static responses as a bare subfield
sub test_deliver_immutable {
  set req.http.X-Cache-Class = "static";
  set resp.http.Cache-Control = "public, max-age=86400";
  testing.call_subroutine("vcl_deliver");
  assert.equal(resp.http.Cache-Control, "public, max-age=86400, immutable");
  assert.equal(resp.http.Cache-Control:immutable, "");
}

// @scope: deliver
// @suite: internal headers are removed for the public
sub test_deliver_strips_internal_headers {
  set resp.http.Via = "1.1 varnish";
  set resp.http.X-Served-By = "cache-ams1";
  testing.call_subroutine("vcl_deliver");
  assert.is_notset(resp.http.Via);
  assert.is_notset(resp.http.X-Served-By);
  assert.match(resp.http.Strict-Transport-Security, "^max-age=\d+$");
  assert.not_match(resp.http.X-Content-Type-Options, "^sniff", "the header must say nosniff");
}
