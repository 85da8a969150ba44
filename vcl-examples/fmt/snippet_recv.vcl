# A recv snippet: statements only, spliced into vcl_recv.
#FASTLY recv
if (req.http.Fastly-Client-IP ~ blocklist) { error 403 "Forbidden"; }

set req.http.X-Snippet = "1";   # marker
declare local var.bucket STRING;
set var.bucket = if(randombool(1, 2), "a", "b");
if (req.url.path ~ "^/old/") {
set req.url = regsub(req.url, "^/old/", "/new/");
}
# the end
