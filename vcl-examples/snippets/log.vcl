# Snippet "edge_log" (type: log): one JSON line per request to the "bigquery" endpoint.
log {"syslog "} req.service_id {" bigquery :: "} "{"
  {""ts":"} time.start.sec {","}
  {""region":""} req.http.X-Region {"","}
  {""pop":""} server.datacenter {"","}
  {""status":"} resp.status {","}
  {""elapsed_ms":"} time.elapsed.msec {","}
  {""state":""} fastly_info.state {"""} "}";
