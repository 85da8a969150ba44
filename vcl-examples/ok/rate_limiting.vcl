# Edge rate limiting for api.example.io
#
#  * per client IP: 100 req/s over 10s, or 5,000 req/min, whichever trips first
#  * login endpoint: 10 attempts per minute per IP, then a 15 minute penalty
#  * per API key: counted against the plan limit sent by the auth service
#
# Only requests that reach the origin (miss/pass) count against the key budget.

backend F_api {
  .dynamic = true;
  .share_key = "Hc7pK2wN9tX4vB6mQ1zL8r";
  .host = "api-origin.example.io";
  .port = "443";
  .ssl = true;
  .ssl_cert_hostname = "api-origin.example.io";
  .ssl_sni_hostname = "api-origin.example.io";
  .first_byte_timeout = 20s;
}

penaltybox abusive_clients {}
penaltybox login_lockout { }

ratecounter client_requests {}
ratecounter client_requests_minute {}
ratecounter origin_requests {}
ratecounter login_attempts {
}

# Key used for per-client counting: the API key when present, the IP otherwise.
sub client_key STRING {
  if (req.http.X-API-Key ~ "^[A-Za-z0-9_-]{32,64}$") {
    return "key:" digest.hash_sha256(req.http.X-API-Key);
  }
  return "ip:" client.ip;
}

sub vcl_recv {
  declare local var.key STRING;
  declare local var.login_count INTEGER;

#FASTLY recv

  set req.backend = F_api;

  # Count only once per request, on the edge node, before clustering
  if (fastly.ff.visits_this_service == 0 && req.restarts == 0) {
    set var.key = client_key();
    set req.http.X-RL-Key = var.key;

    if (ratelimit.penaltybox_has(abusive_clients, var.key)) {
      error 429 "Too Many Requests";
    }

    # two windows at once: 100 rps averaged over 10s, 5000 per minute
    if (ratelimit.check_rates(var.key, client_requests, 1, 10, 100, client_requests_minute, 1, 60, 5000, abusive_clients, 5m)) {
      set req.http.X-RL-Reason = "burst";
      error 429 "Too Many Requests";
    }

    if (req.method == "POST" && req.url.path == "/v1/login") {
      if (ratelimit.penaltybox_has(login_lockout, client.ip)) {
        set req.http.X-RL-Reason = "login-lockout";
        error 429 "Too Many Requests";
      }
      set var.login_count = ratelimit.ratecounter_increment(login_attempts, client.ip, 1);
      if (ratecounter.login_attempts.bucket.60s > 10) {
        ratelimit.penaltybox_add(login_lockout, client.ip, 15m);
        set req.http.X-RL-Reason = "login";
        error 429 "Too Many Requests";
      }
      set req.http.X-Login-Attempts = var.login_count;
    }
  }

  if (req.method != "HEAD" && req.method != "GET" && req.method != "FASTLYPURGE") {
    return(pass);
  }
  return(lookup);
}

sub vcl_miss {
#FASTLY miss

  # Origin-bound requests: single-window check keyed on the client
  if (ratelimit.check_rate(req.http.X-RL-Key, origin_requests, 1, 1, 200, abusive_clients, 2m)) {
    set req.http.X-RL-Reason = "origin";
    error 429 "Too Many Requests";
  }
  set bereq.http.X-RL-Rate-1s = ratecounter.origin_requests.rate.1s;
  set bereq.http.X-RL-Rate-10s = ratecounter.origin_requests.rate.10s;
  return(fetch);
}

sub vcl_pass {
#FASTLY pass

  set bereq.http.X-RL-Bucket-10s = ratecounter.client_requests.bucket.10s;
  set bereq.http.X-RL-Bucket-60s = ratecounter.client_requests_minute.bucket.60s;
  return(pass);
}

sub vcl_error {
#FASTLY error

  if (obj.status == 429) {
    set obj.http.Content-Type = "application/json";
    set obj.http.Retry-After = if(req.http.X-RL-Reason == "login-lockout" || req.http.X-RL-Reason == "login", "900", "60");
    set obj.http.Cache-Control = "no-store";
    synthetic {json"{"error":"rate_limited","reason":""json} req.http.X-RL-Reason {json"","retry_after":"json} obj.http.Retry-After "}";
    return(deliver);
  }
  return(deliver);
}

sub vcl_deliver {
#FASTLY deliver

  if (resp.status == 429) {
    set resp.http.X-RateLimit-Policy = "100;w=10, 5000;w=60";
  }
  return(deliver);
}

sub vcl_log {
#FASTLY log

  if (resp.status == 429) {
    log {"syslog "} req.service_id {" ratelimit :: "} req.http.X-RL-Key " " req.http.X-RL-Reason " " ratecounter.client_requests.rate.60s;
  }
}
