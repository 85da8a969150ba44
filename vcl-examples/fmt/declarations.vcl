# Every kind of declaration, written carelessly.
include "shared_acls";
import   boltsort ;
backend F_origin{.host="origin.example.com";.port="443";
.ssl=true; .ssl_cert_hostname = "origin.example.com";
    .connect_timeout=1s;  .first_byte_timeout = 15 s;
        .probe={.request="HEAD /health HTTP/1.1" "Host: origin.example.com" "Connection: close";.expected_response=200;.interval=5s;.window=5;.threshold=3;.initial=3;};
}
backend F_backup {
      .host = "backup.example.com";
      .port = "80";
      .dynamic = true;
      .share_key = "abc123";
}
director main_pool random{.quorum=50%;.retries=3;{.backend=F_origin;.weight=2;}{ .backend = F_backup ; .weight = 1 ; }}
director failover fallback {
  { .backend = F_origin; }
  { .backend = F_backup; }
}
director ring chash {
.key = object; .seed = 42; .vnodes_per_node = 256;
    { .backend = F_origin; .id = "o"; }
}
table redirects{ "/old":"/new","/a":"/b"}
table flags BOOL {
  "beta" : true ,
  "legacy":false
}
table limits INTEGER { "max": 100, "min": -1, "hex": 0x1F, }
table ttls RTIME { "short": 10s, "long": 5 m, }
table origins BACKEND { "main": F_origin, }
table long_values { "html": {"<p class="x">hi</p>"}, "tagged": {EOT"a "quoted" word"EOT}, }
acl internal{ "10.0.0.0"/8;"192.168.0.0"/16;!"10.1.2.3";
  ! "192.168.1.1" ;
  "2001:db8::"/32;}
penaltybox abusers{}
ratecounter requests_rc {
}
counter page_views { .type = "estimated"; .time_window = 60s; }
limiter api_limit { .max = 50; .time_window = 60s; }
sub add_headers{set req.http.X-A="1";}
sub is_internal BOOL { return (client.ip ~ internal); }
sub greet(STRING var.name, INTEGER var.times) STRING {
return "hello " var.name;
}
sub empty_one {}
sub with_parens() {
  esi;
}
