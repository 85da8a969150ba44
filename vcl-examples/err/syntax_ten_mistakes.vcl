# ERROR (syntax): ten independent mistakes, for parser error recovery.
#  1. line 17: backend field without a value (".port = ;")
#  2. line 22: ACL entry without the terminating ";"
#  3. line 27: table entry without ":" between key and value
#  4. line 33: "set" statement missing ";"
#  5. line 34: "if" condition without parentheses
#  6. line 37: "set" with no target before "="
#  7. line 38: "unset" with two targets
#  8. line 39: "return(lookup;" missing ")"
#  9. line 43: "declare local" without a type
# 10. line 44: "call" without a subroutine name

backend F_origin {
  .dynamic = true;
  .share_key = "Jk2mN4pQ6rS8tU0vW1xY3z";
  .host = "origin.example.com";
  .port = ;
}

acl internal {
  "10.0.0.0"/8;
  "192.168.0.0"/16
}

table routes {
  "/a": "/b",
  "/c" "/d",
}

sub vcl_recv {
#FASTLY recv

  set req.backend = F_origin
  if req.url ~ "^/internal" {
    error 403;
  }
  set = "x";
  unset req.http.X-A req.http.X-B;
  return(lookup;
}

sub vcl_deliver {
  declare local var.count;
  call ;
  return(deliver);
}
