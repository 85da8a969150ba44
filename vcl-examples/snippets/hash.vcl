# Snippet "edge_hash" (type: hash): pages differ per region.
if (req.http.X-Region) {
  set req.hash += req.http.X-Region;
}
