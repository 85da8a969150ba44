# Snippet "edge_miss" (type: miss): what the origin needs on a cache miss.
set bereq.http.X-Region = req.http.X-Region;
unset bereq.http.X-Internal;

# Image resizer only understands w, h and q
if (req.url.ext ~ "(?i)^(jpe?g|png|webp)$") {
  set bereq.url = querystring.filter_except(bereq.url, "w" querystring.filtersep() "h" querystring.filtersep() "q");
  unset bereq.http.Cookie;
}
