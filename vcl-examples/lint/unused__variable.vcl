sub vcl_recv {
  #FASTLY recv
  declare local var.country STRING;
  declare local var.device STRING;
  set var.country = client.geo.country_code;
  set var.device = "desktop";
  if (req.http.User-Agent ~ "Mobile") {
    set var.device = "mobile";
  }
  set req.http.X-Device = var.device;
  return(lookup);
}
