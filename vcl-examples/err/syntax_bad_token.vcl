# ERROR (syntax): invalid token
# Line 8: "$" is not a VCL token (a shell-style variable reference pasted into VCL).

sub vcl_recv {
#FASTLY recv

  if (req.http.X-Api-Version) {
    set req.url = "/v" $API_VERSION req.url;
  }
  return(lookup);
}
