# Geolocation without a database (`lacquer test` runs without --geo-db here): every
# `client.geo.*` / `client.as.*` variable reads as Fastly's value for absent data:
# latitude/longitude "the special value 999.9 used to indicate absent data", utc_offset
# "The special value 0 is used to indicate absent data", proxy_type/proxy_description
# "Defaults to ? when an IP address is not known to be a proxy or VPN". For an invalid
# `client.geo.ip_override`, Fastly: "STRING variables are set to the empty string, FLOAT
# variables are set to 999.0, and INTEGER variables are set to 0", and utc_offset is "the
# special value 9999". tests/it/geo.rs covers lookups in a MaxMind database.

// @suite: an address no database knows reads as unknown
sub test_geo_unknown_address {
  assert.equal(client.geo.country_code, "");
  assert.equal(client.geo.country_code3, "");
  assert.equal(client.geo.city, "");
  assert.equal(client.geo.region, "");
  assert.equal(client.geo.latitude, 999.9);
  assert.equal(client.geo.longitude, 999.9);
  assert.equal(client.geo.utc_offset, 0);
  assert.equal(client.geo.metro_code, 0);
  assert.equal(client.as.number, 0);
  assert.equal(client.as.name, "");
  assert.equal(client.geo.proxy_type, "?");
  assert.equal(client.geo.proxy_description, "?");
}

// @suite: an invalid client.geo.ip_override reads as an invalid region
sub test_geo_invalid_override {
  set client.geo.ip_override = "xxx";
  assert.equal(client.geo.ip_override, "xxx");
  assert.equal(client.geo.proxy_type, "");
  assert.equal(client.geo.latitude, 999.0);
  assert.equal(client.geo.utc_offset, 9999);
}
