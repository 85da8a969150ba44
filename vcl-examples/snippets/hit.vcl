# Snippet "edge_hit" (type: hit): let staff bypass a cached copy.
if (req.http.X-Internal && req.http.Cache-Control ~ "no-cache") {
  return(pass);
}
set req.http.X-Obj-Hits = obj.hits;
