sub vcl_recv {
  if (req.http.A) { set req.http.R = "a"; } elseif (req.http.B) { set req.http.R = "b"; } elsif (req.http.C) { set req.http.R = "c"; } else if (req.http.D) { set req.http.R = "d"; } else { set req.http.R = "e"; }
  if (req.http.A)
  {
    if (req.http.B) {
      if (req.http.C) { set req.http.Deep = "1"; }
    }
  }
  else
  {
    set req.http.R = "none";
  }
  if (req.http.A) {
    set req.http.R = "1";
  }
  # a comment before the else
  else {
    set req.http.R = "2";
  }
  if (req.http.A) {
    set req.http.R = "1";
  } /* between branches */ else if (req.http.B) {
    set req.http.R = "2";
  }
  else {
    if (req.http.E) { set req.http.R = "3"; }
  }
}
