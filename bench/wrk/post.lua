-- bench/wrk/post.lua: POST one prepared body over and over for bench/server.py.
--
--   wrk -t 2 -c 8 -d <seconds + grace> --latency --timeout 10s -s bench/wrk/post.lua URL \
--       -- <body file> <content type> <cookie header or -> <seconds> <label>
--
-- Counts the answers by status class and prints them in done() on one line that starts with
-- BENCH-RESULT (key=value pairs), with wrk's socket errors and latency percentiles (µs).
--
-- It stops *sending* after <seconds> (measured from its first request, with a monotonic clock
-- through LuaJIT's ffi) but lets wrk run on for the grace period, so every request it sent is
-- answered and counted: wrk on its own drops the requests in flight when -d ends, and the
-- server still stores those, which would make "stored == answered" off by up to -c rows.
-- The request rate is therefore answers / (last answer - first request), not wrk's own figure.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) * 1e-9
end

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  file:close()
  wrk.headers["Content-Type"] = args[2]
  if args[3] ~= "-" then
    wrk.headers["Cookie"] = args[3]
  end
  seconds = tonumber(args[4])
  label = args[5]
  c2xx, c3xx, c4xx, c5xx, cother = 0, 0, 0, 0, 0
  first, last, deadline, report_at = 0, 0, nil, nil
end

-- Called before every request: none after the deadline (the connection just waits).
function delay()
  local t = now()
  if deadline == nil then
    first, deadline, report_at = t, t + seconds, t + 10
  end
  if t >= deadline then
    return 3600 * 1000
  end
  return 0
end

function response(status, headers, body)
  local t = now()
  last = t
  if status >= 200 and status < 300 then
    c2xx = c2xx + 1
  elseif status >= 300 and status < 400 then
    c3xx = c3xx + 1
  elseif status >= 400 and status < 500 then
    c4xx = c4xx + 1
  elseif status >= 500 and status < 600 then
    c5xx = c5xx + 1
  else
    cother = cother + 1
  end
  if id == 1 and t >= report_at and t < deadline then
    io.write(string.format("    [%s] %3.0f s of %d: thread 1 has %d answers (%d in 2xx/3xx)\n",
      label, t - first, seconds, c2xx + c3xx + c4xx + c5xx + cother, c2xx + c3xx))
    io.flush()
    report_at = report_at + 10
  end
end

function done(summary, latency, requests)
  local s2, s3, s4, s5, so = 0, 0, 0, 0, 0
  local t0, t1, name = nil, 0, "?"
  for _, thread in ipairs(threads) do
    name = thread:get("label")
    s2 = s2 + thread:get("c2xx")
    s3 = s3 + thread:get("c3xx")
    s4 = s4 + thread:get("c4xx")
    s5 = s5 + thread:get("c5xx")
    so = so + thread:get("cother")
    local f, l = thread:get("first"), thread:get("last")
    if f > 0 and (t0 == nil or f < t0) then t0 = f end
    if l > t1 then t1 = l end
  end
  local window = (t0 ~= nil and t1 > t0) and (t1 - t0) or 0
  local e = summary.errors
  io.write(string.format(
    "BENCH-RESULT label=%s requests=%d s2xx=%d s3xx=%d s4xx=%d s5xx=%d sother=%d window=%.6f "
    .. "connect=%d read=%d write=%d status=%d timeout=%d "
    .. "p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f\n",
    name, summary.requests, s2, s3, s4, s5, so, window,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
