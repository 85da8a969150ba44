# Included at the top level of main.vcl: access lists.

acl staff_networks {
  "192.0.2.0"/24;
  "2001:db8:5:100::"/56;
}

acl denied_networks {
  "203.0.113.0"/24;
  ! "203.0.113.200";
}
