sub vcl_deliver {
  #FASTLY deliver
  remove resp.http.X-Powered-By;
  unset resp.http.Server;
  return(deliver);
}
