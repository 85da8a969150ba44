sub vcl_recv {
  #FASTLY recv
  if (req.url.path == "/health") {
    goto finish;
  }
  set req.http.X-Normalized = "1";
  # The goto that jumped here went away with the old A/B test.
  ab_test_done:
  set req.http.X-Checked = "1";
  finish:
  return(lookup);
}
