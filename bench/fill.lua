-- bench/fill.lua: wrk script for bench/memory.sh. Run with -t1.
-- FILL_N (default 1,000,000) requests /miss/1 .. /miss/FILL_N, each exactly once, counts the
-- answers by X-Cache (MISS = fetched and stored, HIT = already cached) and, once all FILL_N
-- have been answered, stops its thread and creates the file FILL_DONE; memory.sh then ends wrk
-- with SIGINT (wrk itself only ends when its -d duration is over). Every 10,000 answers it
-- writes the count to FILL_PROGRESS, so memory.sh can tell a stalled run.
-- Requests wrk asks for after the last URL go to /100k (cached before the fill and told apart
-- by its length), so they add no object and are not counted.
local N = tonumber(os.getenv("FILL_N") or "1000000")
local done_file = os.getenv("FILL_DONE")
local progress_file = os.getenv("FILL_PROGRESS")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local probed = false
local sent, answered, hits, misses, errors = 0, 0, 0, 0, 0

function request()
  -- wrk calls request() once in the first thread's state before the run, to check the
  -- request (script_verify_request), and never sends that one: give it the filler URL.
  if not probed then
    probed = true
    return wrk.format("GET", "/100k")
  end
  if sent < N then
    sent = sent + 1
    return wrk.format("GET", "/miss/" .. sent)
  end
  return wrk.format("GET", "/100k")
end

local function header(headers, name)
  for k, v in pairs(headers) do
    if string.lower(k) == name then return v end
  end
  return nil
end

local function write_file(path, text)
  if not path then return end
  local f = io.open(path, "w")
  if f then
    f:write(text)
    f:close()
  end
end

local function publish()
  wrk.thread:set("answered", answered)
  wrk.thread:set("hits", hits)
  wrk.thread:set("misses", misses)
  wrk.thread:set("errors", errors)
end

function response(status, headers, body)
  if header(headers, "content-length") == "102400" then
    return
  end
  answered = answered + 1
  if status ~= 200 then
    errors = errors + 1
  elseif header(headers, "x-cache") == "HIT" then
    hits = hits + 1
  else
    misses = misses + 1
  end
  if answered % 10000 == 0 then
    publish()
    write_file(progress_file, tostring(answered))
  end
  if answered >= N then
    publish()
    wrk.thread:stop()
    write_file(done_file, tostring(answered))
  end
end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(string.format("FILL answered=%s hits=%s misses=%s errors=%s\n",
      tostring(t:get("answered")), tostring(t:get("hits")), tostring(t:get("misses")),
      tostring(t:get("errors"))))
  end
end
