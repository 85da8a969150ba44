sub vcl_recv {
  #FASTLY recv
  if (req.url ~ "\.(jpe?g|png|gif|webp)$") {
    set req.http.X-Asset = "image";
  } else if (req.url.path ~ "(?i)\.css$") {
    set req.http.X-Asset = "style";
  }
  return(lookup);
}
