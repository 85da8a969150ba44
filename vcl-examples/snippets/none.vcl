# Snippet "ab_bucket" (type: none). Never placed automatically: custom VCL pulls
# it into vcl_recv with
#   include "snippet::ab_bucket";
if (req.http.Cookie:ab_bucket ~ "^[ab]$") {
  set req.http.X-AB-Bucket = req.http.Cookie:ab_bucket;
} else {
  set req.http.X-AB-Bucket = if(randombool(1, 2), "a", "b");
}
