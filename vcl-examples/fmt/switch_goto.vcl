sub vcl_recv {
  switch (req.http.X-Mode) {
  case "a":
    set req.http.R = "a";
    break;
    case "b" :
      # falls into c
      fallthrough;
  case ~   "^c[0-9]*$":
    set req.http.R = "c";
    break;
  default :
    set req.http.R = "other";
    break;
  }
  switch(req.http.Y){case "1": esi; break; default: break;}
  if (req.http.Skip) { goto done; }
  set req.http.Work = "1";
  done:
  set req.http.Done = "1";
}
