-- Shared by the wrk scripts: bearer token, a per-thread random stream, and a machine-readable
-- summary line that bench/run.sh parses (latencies in microseconds).
local M = {}

M.token = os.getenv("BENCH_TOKEN") or ""
M.customers = tonumber(os.getenv("BENCH_CUSTOMERS") or "100000")
M.regions = {"north_china", "east_china", "south_china", "west_china", "apac", "emea", "americas"}

wrk.headers["Authorization"] = "Bearer " .. M.token
wrk.headers["Accept"] = "application/json"

local counter = 0
function M.setup(thread)
  counter = counter + 1
  thread:set("thread_seed", counter * 7919)
end

function M.init()
  -- thread_seed is set by setup() in the thread's own Lua state.
  math.randomseed((thread_seed or 1) + os.time())
end

function M.done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / secs, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end

return M
