# What VCL reads about the service and the node it runs on.
#
# Fastly: req.vcl is `{serviceID}.{version}_{generation}-{hash}`, the hash being of the
# VCL code; `lacquer test` hashes the main VCL and its includes (req.vcl.md5), and
# `lacquer serve` numbers versions from 1, one more per activation. Facts only the node's
# configuration knows (server.region, server.billing_region, req.customer_id) are not set
# unless configured; tests inject them.

// @scope: recv
// @suite: req.vcl names the service, the version, the generation and the VCL's hash
sub test_req_vcl_parts {
  testing.inject_variable("req.service_id", "SU1Z0isxPaozGVKXdv0eY");
  testing.inject_variable("req.vcl.version", 7);
  testing.inject_variable("req.vcl.generation", 3);
  assert.equal(req.vcl.version, 7);
  assert.match(req.vcl.md5, "^[0-9a-f]{32}$");
  assert.equal(req.vcl, "SU1Z0isxPaozGVKXdv0eY.7_3-" req.vcl.md5);
}

// @scope: recv
// @suite: the node's region and account are not set until configured
sub test_site_facts {
  assert.is_notset(server.region);
  assert.is_notset(req.customer_id);
  testing.inject_variable("server.region", "EU-West");
  testing.inject_variable("server.billing_region", "Europe");
  assert.equal(server.region, "EU-West");
  assert.equal(server.billing_region, "Europe");
}

// @scope: recv
// @suite: the stale limits are unbounded until set
sub test_max_stale_defaults {
  assert.equal(req.max_stale_if_error, 9223372036.854s);
  set req.max_stale_while_revalidate = 30s;
  assert.equal(req.max_stale_while_revalidate, 30s);
  set req.grace = 10s;
  assert.equal(req.max_stale_if_error, 10s);
}
