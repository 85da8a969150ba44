#!/usr/bin/env bash
# bench/memory.sh: lacquer's memory for 1,000,000 cached 1 KiB objects (target: < 2 GiB RSS).
#
#   bash bench/memory.sh             # as root (installs wrk, nginx, varnish from Debian if missing)
#
# Starts the nginx origin (127.0.0.1:18080) and lacquer alone (127.0.0.1:18082,
# bench/lacquer.vcl, --cache-size 3GiB, pinned to core 0), then:
#   1. fill:   wrk + bench/fill.lua request /miss/1 .. /miss/N once each (N = FILL_N,
#              default 1,000,000; each a 1 KiB body fetched from the origin and stored);
#   2. RSS:    `ps -o rss=` and VmHWM (peak) of the lacquer process;
#   3. verify: the same N URLs again; a HIT is an object that was still in the cache.
# lacquer has no way to report how many objects it holds (no stats endpoint or admin
# command), so the count is taken from the requests: origin fetches (nginx's stub_status
# counter) during the fill, and the HITs of the verify pass.
# WITH_VARNISH=1 runs the same fill against Varnish (-s malloc,3G) afterwards, for comparison
# (takes a few minutes more). Results are printed and written to bench/memory-results.md.
# Traffic goes to 127.0.0.1 only. Every process started here is stopped on exit.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
TMP=$(mktemp -d /tmp/lacquer-memory.XXXXXX)
chmod 755 "$TMP"
# shellcheck source=lib.sh
source "$BENCH/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

FILL_N=${FILL_N:-1000000}
CONNECTIONS=${CONNECTIONS:-50}
WITH_VARNISH=${WITH_VARNISH:-0}
export FILL_N

ensure_packages
build_lacquer
setup_pinning
start_origin

rss_mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
# rss_kib PID...: summed RSS in KiB of the processes and their children.
rss_kib() {
    local total=0 pid r
    for pid in "$@"; do
        for r in $(ps -o rss= -p "$pid") $(ps -o rss= --ppid "$pid"); do total=$((total + r)); done
    done
    echo "$total"
}
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# fill NAME PORT PHASE: runs bench/fill.lua; sets FILL_ANSWERED/HITS/MISSES/ERRORS/SECONDS.
fill() {
    local name=$1 port=$2 phase=$3 out="$TMP/$1-$3.txt" start=${EPOCHREALTIME/[.,]/} line
    log "$name: $phase pass over /miss/1 .. /miss/$FILL_N"
    local done_file="$TMP/$name-$phase.done" progress_file="$TMP/$name-$phase.progress"
    local wrk_pid last="" last_change=$SECONDS now
    FILL_DONE=$done_file FILL_PROGRESS=$progress_file "${PIN_LOAD[@]}" \
        wrk -t1 -c"$CONNECTIONS" -d900s --timeout 30s -s "$BENCH/fill.lua" \
        "http://127.0.0.1:$port/" >"$out" 2>&1 &
    wrk_pid=$!
    PIDS+=("$wrk_pid")
    # fill.lua creates done_file when every URL was answered; wrk only exits by itself after
    # its -d, so it is stopped with SIGINT (it then prints its report and the FILL line).
    while [[ ! -e $done_file ]]; do
        kill -0 "$wrk_pid" 2>/dev/null || break
        now=$(cat "$progress_file" 2>/dev/null || true)
        if [[ $now != "$last" ]]; then
            last=$now
            last_change=$SECONDS
        elif ((SECONDS - last_change > 60)); then
            log "$name $phase: no progress for 60 s (at ${now:-0} answers); stopping wrk"
            break
        fi
        sleep 0.2
    done
    FILL_SECONDS=$(awk -v a="$start" -v b="${EPOCHREALTIME/[.,]/}" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
    kill -INT "$wrk_pid" 2>/dev/null || true
    wait "$wrk_pid" || die "wrk failed ($name $phase): $(cat "$out")"
    forget_pid "$wrk_pid"
    line=$(grep '^FILL ' "$out") || die "no FILL line from wrk ($name $phase): $(cat "$out")"
    FILL_ANSWERED=$(sed 's/.*answered=\([^ ]*\).*/\1/' <<<"$line")
    FILL_HITS=$(sed 's/.*hits=\([^ ]*\).*/\1/' <<<"$line")
    FILL_MISSES=$(sed 's/.*misses=\([^ ]*\).*/\1/' <<<"$line")
    FILL_ERRORS=$(sed 's/.*errors=\([^ ]*\).*/\1/' <<<"$line")
    [[ $FILL_ANSWERED == "$FILL_N" ]] ||
        die "$name $phase: wrk stopped after $FILL_ANSWERED of $FILL_N answers: $(cat "$out")"
    local sockerr
    sockerr=$(grep -o 'Socket errors:.*' "$out" || true)
    log "$name $phase: ${FILL_SECONDS}s, hits $FILL_HITS, misses $FILL_MISSES, errors $FILL_ERRORS${sockerr:+, $sockerr}"
}

# measure NAME PORT PID...: prime /100k (fill.lua's filler), fill, RSS, verify. Sets M[...].
declare -A M
measure() {
    local name=$1 port=$2 before after
    shift 2
    curl -s -o /dev/null "http://127.0.0.1:$port/100k"
    curl -s -D - -o /dev/null "http://127.0.0.1:$port/100k" | grep -qi '^x-cache: *HIT' ||
        die "$name: /100k is not cached"
    M[$name,rss0]=$(rss_kib "$@")
    before=$(origin_requests)
    fill "$name" "$port" fill
    after=$(origin_requests)
    M[$name,fill_s]=$FILL_SECONDS
    M[$name,fill_misses]=$FILL_MISSES
    M[$name,fill_errors]=$FILL_ERRORS
    # The second stub_status request counts itself.
    M[$name,origin]=$((after - before - 1))
    sleep 2
    M[$name,rss1]=$(rss_kib "$@")
    M[$name,hwm1]=$(hwm_kib "$1")
    fill "$name" "$port" verify
    M[$name,verify_s]=$FILL_SECONDS
    M[$name,cached]=$FILL_HITS
    M[$name,evicted]=$FILL_MISSES
    M[$name,verify_errors]=$FILL_ERRORS
    M[$name,rss2]=$(rss_kib "$@")
    M[$name,hwm2]=$(hwm_kib "$1")
}

start_lacquer 3GiB warn
measure lacquer "$LACQUER_PORT" "$LACQUER_PID"
kill -0 "$LACQUER_PID" 2>/dev/null || die "lacquer died: $(cat "$TMP/lacquer.stderr")"
stop_lacquer
LACQUER_STDERR=$(cat "$TMP/lacquer.stderr")

if [[ $WITH_VARNISH == 1 ]]; then
    port_free "$VARNISH_PORT" || die "port $VARNISH_PORT (varnish) is in use"
    "${PIN_PROXY[@]}" varnishd -F -a "127.0.0.1:$VARNISH_PORT" -f "$BENCH/varnish.vcl" \
        -s malloc,3G -n "$TMP/varnish" -T 127.0.0.1:0 >"$TMP/varnish.log" 2>&1 &
    VARNISH_PID=$!
    PIDS+=("$VARNISH_PID")
    wait_http "http://127.0.0.1:$VARNISH_PORT/1k" 60 || die "varnishd did not start: $(cat "$TMP/varnish.log")"
    # The cache worker is varnishd's child; its RSS is what holds the objects.
    VARNISH_CHILD=$(ps -o pid= --ppid "$VARNISH_PID" | head -1 | tr -d ' ')
    measure varnish "$VARNISH_PORT" "$VARNISH_PID"
    M[varnish,hwm1]=$(hwm_kib "$VARNISH_CHILD")
    M[varnish,hwm2]=${M[varnish,hwm1]}
    stop_pid "$VARNISH_PID"
    forget_pid "$VARNISH_PID"
fi

row() {
    local n=$1
    local per=$(((M[$n,rss1] - M[$n,rss0]) * 1024 / FILL_N))
    printf '| %s | %s | %s s (%s req/s) | %s | %s | %s | %s MiB | %s MiB | %s MiB (peak %s MiB) | %s B |\n' \
        "$2" "$FILL_N" "${M[$n,fill_s]}" "$(awk -v n="$FILL_N" -v t="${M[$n,fill_s]}" 'BEGIN { printf "%.0f", n / (t > 0 ? t : 1) }')" \
        "${M[$n,origin]}" "${M[$n,cached]}" "${M[$n,evicted]}" \
        "$(rss_mib "${M[$n,rss0]}")" "$(rss_mib "${M[$n,rss1]}")" \
        "$(rss_mib "${M[$n,rss2]}")" "$(rss_mib "${M[$n,hwm2]}")" "$per"
}

{
    echo "# lacquer memory for 1M cached 1 KiB objects: bench/memory.sh"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB"
    echo "- lacquer: $("$LACQUER" --version) at $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'), --cache-size 3GiB, RUST_LOG=warn"
    [[ $WITH_VARNISH == 1 ]] && echo "- varnishd -V: $(varnishd -V 2>&1 | head -1), -s malloc,3G"
    echo "- fill: wrk -t1 -c$CONNECTIONS + bench/fill.lua, /miss/1 .. /miss/$FILL_N once each (1 KiB bodies, Cache-Control: max-age=3600)"
    echo
    echo "| proxy | URLs | fill time | origin fetches | still cached (verify HITs) | evicted (verify MISSes) | RSS before | RSS after fill | RSS after verify | RSS growth per object |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    row lacquer lacquer
    [[ $WITH_VARNISH == 1 ]] && row varnish "Varnish (cache worker + manager)"
    echo
    echo "Target (issue): < 2 GiB RSS for 1M cached 1 KiB objects:" \
        "lacquer $(rss_mib "${M[lacquer,rss1]}") MiB after the fill of $FILL_N —" \
        "$( ((M[lacquer,rss1] < 2 * 1024 * 1024)) && echo met || echo NOT met)."
    echo
    echo "Object count: lacquer does not report it (no stats endpoint); the numbers above come from"
    echo "the requests: origin fetches counted by nginx during the fill, and the verify pass's HITs"
    echo "(each a stored object still in the cache at the end of the fill)."
    echo "RSS: \`ps -o rss=\` of the process and its children; peak: VmHWM of the process holding"
    echo "the cache (lacquer; Varnish's cache worker child). Growth per object: (RSS after fill -"
    echo "RSS before) / URLs, so it includes whatever else grew (buffers, allocator)."
    echo "Errors (non-200) during fill / verify: lacquer ${M[lacquer,fill_errors]} / ${M[lacquer,verify_errors]}."
    if [[ -n $LACQUER_STDERR ]]; then
        echo
        echo "lacquer's stderr (RUST_LOG=warn):"
        echo '```'
        head -c 4000 <<<"$LACQUER_STDERR"
        echo '```'
    fi
} >"$BENCH/memory-results.md"

echo
cat "$BENCH/memory-results.md"
