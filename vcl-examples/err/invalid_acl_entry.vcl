# ERROR (semantic): invalid ACL entries
# Line 10: "999.1.1.1" is not an IPv4 address.
# Line 11: /33 is longer than an IPv4 address.
# Line 12: hostnames are not allowed in ACLs.
# Line 13: /129 is longer than an IPv6 address.
# Line 14: "2001:db8::g1" is not an IPv6 address.

acl partners {
  "192.0.2.0"/24;
  "999.1.1.1";
  "10.0.0.0"/33;
  "partner.example.com";
  "2001:db8::"/129;
  ! "2001:db8::g1";
}

sub vcl_recv {
#FASTLY recv
  if (client.ip !~ partners && req.url.path ~ "^/partner-api/") {
    error 403 "Forbidden";
  }
  return(lookup);
}
