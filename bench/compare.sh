#!/usr/bin/env bash
# bench/compare.sh: lacquer vs Varnish 7 on this machine, in one run.
#
#   bash bench/compare.sh            # as root (installs varnish, wrk, nginx from Debian if missing)
#
# One origin (nginx, 127.0.0.1:18080) and one proxy under test at a time: Varnish
# (127.0.0.1:18081, bench/varnish.vcl) and then lacquer (127.0.0.1:18082, bench/lacquer.vcl),
# each fresh, pinned to core 0; wrk and nginx on core 1. The two VCLs are the same service.
# For each proxy, after a warm-up, `wrk -t1 -c50 -d10s --latency`:
#   hit /1k     cache hits on a 1 KiB object
#   hit /100k   cache hits on a 100 KiB object
#   miss 1k     every request a new URL (bench/miss.lua): fetched from the origin and stored
# Prints one table and writes it to bench/results.md.
#
# Environment: DURATION (default 10s), CONNECTIONS (50), EXTRA=0 skips the extra lacquer row
# with its default access log on, KEEP_TMP=1 keeps the temp dir (logs, wrk outputs).
# Traffic goes to 127.0.0.1 only. Every process started here is stopped on exit.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
TMP=$(mktemp -d /tmp/lacquer-bench.XXXXXX)
chmod 755 "$TMP" # nginx workers and varnishd's compiler run as other users
# shellcheck source=lib.sh
source "$BENCH/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}
EXTRA=${EXTRA:-1}

ensure_packages
build_lacquer
setup_pinning
varnishd -V >/dev/null 2>&1 || die "varnishd -V failed"
VARNISH_VERSION=$(varnishd -V 2>&1 | head -1)

start_origin

# Results: R[proxy,scenario,rps|p50|p99|errors]
declare -A R
SCENARIOS=("hit /1k" "hit /100k" "miss 1k")
NOTES=()

# run_wrk NAME PORT SCENARIO: the measured run; fills R and keeps wrk's output.
run_wrk() {
    local name=$1 port=$2 scenario=$3 out="$TMP/wrk-$1-${3//[ \/]/_}.txt"
    local base="http://127.0.0.1:$port" args=()
    case $scenario in
        "hit /1k") args=("$base/1k") ;;
        "hit /100k") args=("$base/100k") ;;
        "miss 1k") args=(-s "$BENCH/miss.lua" "$base/") ;;
    esac
    local before after
    before=$(cpu_ticks)
    MISS_PREFIX="$name-$RANDOM$RANDOM" "${PIN_LOAD[@]}" \
        wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency "${args[@]}" >"$out" 2>&1 ||
        die "wrk failed for $name $scenario: $(cat "$out")"
    after=$(cpu_ticks)
    R[$name,$scenario,cpu]=$(cpu_busy "$before" "$after")
    local rps p50 p99 non2xx sockerr
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    sockerr=$(grep -o 'Socket errors:.*' "$out" || true)
    R[$name,$scenario,rps]=${rps:-?}
    R[$name,$scenario,p50]=$p50
    R[$name,$scenario,p99]=$p99
    if [[ -n $non2xx || -n $sockerr ]]; then
        NOTES+=("$name, $scenario: ${non2xx:+$non2xx non-2xx responses; }$sockerr")
    fi
    log "$name $scenario: $rps req/s, p50 ${p50}ms, p99 ${p99}ms, busy core0/core1 ${R[$name,$scenario,cpu]}%${non2xx:+, $non2xx non-2xx}${sockerr:+, $sockerr}"
}

# check_cached NAME PORT PATH BYTES: the second request of PATH is a HIT of BYTES bytes.
check_cached() {
    local name=$1 url="http://127.0.0.1:$2$3" bytes=$4 headers size
    curl -s -o /dev/null "$url"
    headers=$(curl -s -D - -o /dev/null "$url")
    size=$(curl -s -o /dev/null -w '%{size_download}' "$url")
    grep -qi '^x-cache: *HIT' <<<"$headers" || die "$name: $3 is not a cache hit:"$'\n'"$headers"
    grep -qi '^x-edge: *bench' <<<"$headers" || die "$name: $3 lacks the X-Edge header:"$'\n'"$headers"
    [[ $size == "$bytes" ]] || die "$name: $3 gave $size bytes, not $bytes"
}

# bench_proxy NAME PORT PID: warm-up and the three measured runs against one proxy.
bench_proxy() {
    local name=$1 port=$2 pid=$3 scenario
    check_cached "$name" "$port" /1k 1024
    check_cached "$name" "$port" /100k 102400
    for scenario in "${SCENARIOS[@]}"; do
        # Warm-up: 2 s of the same load (connections, threads, pools), not measured.
        DURATION=2s run_wrk "$name-warmup" "$port" "$scenario"
        run_wrk "$name" "$port" "$scenario"
        kill -0 "$pid" 2>/dev/null || die "$name (pid $pid) died during '$scenario'"
    done
}

# --- Varnish -------------------------------------------------------------------------------
port_free "$VARNISH_PORT" || die "port $VARNISH_PORT (varnish) is in use"
mkdir -p "$TMP/varnish"
"${PIN_PROXY[@]}" varnishd -F -a "127.0.0.1:$VARNISH_PORT" -f "$BENCH/varnish.vcl" \
    -s malloc,1G -n "$TMP/varnish" -T 127.0.0.1:0 \
    >"$TMP/varnish.log" 2>&1 &
VARNISH_PID=$!
PIDS+=("$VARNISH_PID")
wait_http "http://127.0.0.1:$VARNISH_PORT/1k" 60 || die "varnishd did not start: $(cat "$TMP/varnish.log")"
log "varnish on 127.0.0.1:$VARNISH_PORT (pid $VARNISH_PID)"
bench_proxy varnish "$VARNISH_PORT" "$VARNISH_PID"
stop_pid "$VARNISH_PID"
forget_pid "$VARNISH_PID"

# --- lacquer -------------------------------------------------------------------------------
start_lacquer 1GiB warn
bench_proxy lacquer "$LACQUER_PORT" "$LACQUER_PID"
LACQUER_RSS_MIB=$(($(ps -o rss= -p "$LACQUER_PID") / 1024))
stop_lacquer
LACQUER_STDERR=$(cat "$TMP/lacquer.stderr")

# Extra: lacquer as it runs by default, with its access log (one line per request, info
# level, on stderr; here to a file). Not part of the comparison: Varnish logs to memory.
if [[ $EXTRA == 1 ]]; then
    start_lacquer 1GiB info
    check_cached lacquer-log "$LACQUER_PORT" /1k 1024
    DURATION=2s run_wrk lacquer-log-warmup "$LACQUER_PORT" "hit /1k"
    run_wrk lacquer-log "$LACQUER_PORT" "hit /1k"
    kill -0 "$LACQUER_PID" 2>/dev/null || die "lacquer (access log on) died"
    stop_lacquer
fi

# --- report --------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "?" }'; }

table() {
    echo "| scenario | Varnish req/s | lacquer req/s | lacquer/Varnish | Varnish p50 / p99 (ms) | lacquer p50 / p99 (ms) |"
    echo "|---|---:|---:|---:|---:|---:|"
    local s
    for s in "${SCENARIOS[@]}"; do
        printf '| %s | %s | %s | %s | %s / %s | %s / %s |\n' "$s" \
            "${R[varnish,$s,rps]}" "${R[lacquer,$s,rps]}" "$(ratio "${R[lacquer,$s,rps]}" "${R[varnish,$s,rps]}")" \
            "${R[varnish,$s,p50]}" "${R[varnish,$s,p99]}" "${R[lacquer,$s,p50]}" "${R[lacquer,$s,p99]}"
    done
}

{
    echo "# lacquer vs Varnish: bench/compare.sh"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- machine: $(nproc) cores ($(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')), $(free -g | awk '/^Mem:/ { print $2 }') GiB"
    echo "- varnishd -V: $VARNISH_VERSION (-s malloc,1G, default parameters)"
    echo "- lacquer: $("$LACQUER" --version) at $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo ' (+ local changes)') (--cache-size 1GiB, RUST_LOG=warn: access log off)"
    echo "- load: $(wrk -v 2>&1 | head -1 | awk '{ print $1, $2 }'), -t1 -c$CONNECTIONS -d$DURATION --latency, after a 2 s warm-up; origin $(nginx -v 2>&1 | sed 's/.*: //'), 1 worker"
    echo "- pinning: proxy on core 0, wrk and nginx on core 1 (taskset); one proxy running at a time"
    echo
    table
    echo
    echo "CPU busy during the measured runs, core 0 (proxy) / core 1 (wrk + nginx), from /proc/stat:"
    echo
    echo "| scenario | Varnish run | lacquer run |"
    echo "|---|---:|---:|"
    for s in "${SCENARIOS[@]}"; do
        printf '| %s | %s %% | %s %% |\n' "$s" "${R[varnish,$s,cpu]}" "${R[lacquer,$s,cpu]}"
    done
    echo
    echo "hit /1k, hit /100k: the same URL over and over (a cache hit each time)."
    echo "miss 1k: a new URL every request (bench/miss.lua): an origin fetch of 1 KiB and a store."
    echo "lacquer RSS after its runs: ${LACQUER_RSS_MIB} MiB."
    if [[ $EXTRA == 1 ]]; then
        echo
        echo "Extra, lacquer with its default access log (RUST_LOG=info, stderr to a file), hit /1k:" \
            "${R[lacquer-log,hit /1k,rps]} req/s, p50 / p99 ${R[lacquer-log,hit /1k,p50]} / ${R[lacquer-log,hit /1k,p99]} ms" \
            "($(ratio "${R[lacquer-log,hit /1k,rps]}" "${R[lacquer,hit /1k,rps]}") of the run without it)."
    fi
    if ((${#NOTES[@]})); then
        echo
        echo "Errors reported by wrk:"
        printf -- '- %s\n' "${NOTES[@]}"
    fi
    if [[ -n $LACQUER_STDERR ]]; then
        echo
        echo "lacquer's stderr (RUST_LOG=warn) during the comparison runs:"
        echo '```'
        head -c 4000 <<<"$LACQUER_STDERR"
        echo '```'
    fi
} >"$BENCH/results.md"

echo
cat "$BENCH/results.md"
