# Snippet "edge_init" (type: init, priority 100).
# Rendered at the top level, next to the generated backends, tables and ACLs.
# Declares what the other snippets of this service share.

table edge_region_by_country {
  "DE": "eu",
  "FR": "eu",
  "NL": "eu",
  "JP": "ap",
  "SG": "ap",
  "AU": "ap",
}

acl edge_trusted_purgers {
  "192.0.2.10";
  "198.51.100.0"/28;
  "2001:db8:cafe::"/64;
}

sub edge_mark_client {
  if (client.ip ~ edge_trusted_purgers) {
    set req.http.X-Internal = "1";
  }
  set req.http.X-Region = table.lookup(edge_region_by_country, client.geo.country_code, "us");
}
