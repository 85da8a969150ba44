# bench/lib.sh: helpers shared by bench/compare.sh and bench/memory.sh (sourced, not run).
# Expects: BENCH (this directory), ROOT (the repository), TMP (a private temp dir).

NGINX_PORT=18080     # the origin; bench/*.vcl name this port
VARNISH_PORT=18081
LACQUER_PORT=18082

# PIDs of every process the scripts start; cleanup() stops them all.
PIDS=()

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Installs what is missing from Debian (apt-get update at most once).
ensure_packages() {
    local missing=()
    command -v varnishd >/dev/null || missing+=(varnish)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v nginx >/dev/null || missing+=(nginx)
    command -v curl >/dev/null || missing+=(curl)
    command -v taskset >/dev/null || missing+=(util-linux)
    if ((${#missing[@]})); then
        log "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    # Debian's packages may start their own services where an init system runs; the bench
    # uses its own instances on its own ports and never touches those.
}

build_lacquer() {
    log "building lacquer (cargo build --release --locked)"
    (cd "$ROOT" && cargo build --release --locked --quiet)
    LACQUER="$ROOT/target/release/lacquer"
    "$LACQUER" lint "$BENCH/lacquer.vcl" || die "bench/lacquer.vcl does not lint clean"
}

# Pinning: the proxy under test on core 0; wrk and nginx on core 1.
setup_pinning() {
    if (($(nproc) >= 2)); then
        PIN_PROXY=(taskset -c 0)
        PIN_LOAD=(taskset -c 1)
    else
        log "warning: fewer than 2 cores; not pinning"
        PIN_PROXY=()
        PIN_LOAD=()
    fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_http URL [SECONDS]: until the URL answers (any status).
wait_http() {
    local url=$1 deadline=$((SECONDS + ${2:-30}))
    until curl -s -o /dev/null --max-time 1 "$url"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

# stop_pid PID: TERM, up to 10 s for it to exit, then KILL.
stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "pid $pid did not stop on TERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$? pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    PIDS=()
    [[ -n "${KEEP_TMP:-}" ]] && log "kept $TMP" || rm -rf "$TMP"
    exit "$rc"
}

forget_pid() {
    local gone=$1 p kept=()
    for p in "${PIDS[@]}"; do [[ $p == "$gone" ]] || kept+=("$p"); done
    PIDS=("${kept[@]}")
}

# The origin: nginx with a config of its own in $TMP, pinned with the load generator.
#   /1k, /100k        1 KiB / 100 KiB bodies
#   /miss/<anything>  the 1 KiB body (unique URLs for the miss mix and the memory fill)
#   /nginx_status     stub_status (its request counter counts origin fetches)
# Every response has Cache-Control: max-age=3600.
start_origin() {
    local dir="$TMP/nginx"
    mkdir -p "$dir/www" "$dir/temp"
    head -c 1024 /dev/zero | tr '\0' 'a' >"$dir/www/1k"
    head -c 102400 /dev/zero | tr '\0' 'b' >"$dir/www/100k"
    chmod -R a+rX "$dir"
    cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $dir/temp/body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    default_type application/octet-stream;
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        root $dir/www;
        add_header Cache-Control "max-age=3600" always;
        location = /1k { }
        location = /100k { }
        location /miss/ { rewrite ^ /1k break; }
        location = /nginx_status { stub_status; }
        location / { return 404; }
    }
}
CONF
    port_free "$NGINX_PORT" || die "port $NGINX_PORT (origin) is in use"
    "${PIN_LOAD[@]}" nginx -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
    wait_http "http://127.0.0.1:$NGINX_PORT/1k" || die "nginx did not start: $(cat "$dir/error.log" "$dir/stdout.log")"
    local got
    got=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$NGINX_PORT/miss/check")
    [[ $got == 1024 ]] || die "origin /miss/check gave $got bytes, not 1024"
    log "origin: nginx on 127.0.0.1:$NGINX_PORT (pid $NGINX_PID)"
}

# Requests the origin has served so far (stub_status; includes this request).
origin_requests() {
    curl -s "http://127.0.0.1:$NGINX_PORT/nginx_status" | awk 'NR == 3 { print $3 }'
}

# start_lacquer CACHE_SIZE [RUST_LOG]: sets LACQUER_PID, stderr in $TMP/lacquer.stderr.
start_lacquer() {
    local size=$1 filter=${2:-warn}
    port_free "$LACQUER_PORT" || die "port $LACQUER_PORT (lacquer) is in use"
    : >"$TMP/lacquer.stderr"
    RUST_LOG=$filter "${PIN_PROXY[@]}" "$LACQUER" serve --vcl "$BENCH/lacquer.vcl" \
        --listen "127.0.0.1:$LACQUER_PORT" --cache-size "$size" \
        >"$TMP/lacquer.stdout" 2>>"$TMP/lacquer.stderr" &
    LACQUER_PID=$!
    PIDS+=("$LACQUER_PID")
    wait_http "http://127.0.0.1:$LACQUER_PORT/1k" ||
        die "lacquer did not start: $(cat "$TMP/lacquer.stdout" "$TMP/lacquer.stderr")"
    log "lacquer on 127.0.0.1:$LACQUER_PORT (pid $LACQUER_PID, cache $size, RUST_LOG=$filter)"
}

stop_lacquer() {
    stop_pid "$LACQUER_PID"
    forget_pid "$LACQUER_PID"
}

# to_ms VALUE: wrk's "186.00us" / "1.23ms" / "2.00s" as milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.2f", n }'
}

# cpu_ticks: "busy0 total0 busy1 total1" from /proc/stat (cores 0 and 1).
cpu_ticks() {
    awk '$1 == "cpu0" || $1 == "cpu1" {
        total = 0; for (i = 2; i <= NF; i++) total += $i
        idle = $5 + $6; printf "%d %d ", total - idle, total }' /proc/stat
}

# cpu_busy BEFORE AFTER: "core0 / core1" busy percentages between two cpu_ticks.
cpu_busy() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        split(a, x, " "); split(b, y, " ")
        printf "%.0f / %.0f", 100 * (y[1] - x[1]) / (y[2] - x[2] + 1e-9), 100 * (y[3] - x[3]) / (y[4] - x[4] + 1e-9) }'
}
