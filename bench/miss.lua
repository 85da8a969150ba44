-- bench/miss.lua: wrk script for the miss-heavy mix of bench/compare.sh.
-- Every request is a new URL, /miss/<prefix>/<thread>/<counter>, so each is fetched from the
-- origin exactly once and then stored (nothing ever hits). MISS_PREFIX (default: the time)
-- keeps URLs unique across runs against the same cache.
local prefix = os.getenv("MISS_PREFIX") or tostring(os.time())
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local n = 0
function request()
  n = n + 1
  return wrk.format("GET", "/miss/" .. prefix .. "/" .. (id or 1) .. "/" .. n)
end
