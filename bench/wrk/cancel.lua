-- wrk script for the benchmark (bench/wrk.ts): every request is the cancel mutation, POSTed as JSON.
--
-- WRK_RATE (req/s, optional) paces the requests to a fixed offered rate. Plain wrk (Debian has
-- no wrk2) sends the next request on a connection as soon as its answer arrives; when the script
-- defines delay(), wrk calls it before each request and waits that many ms first. Here delay()
-- hands every request the next slot of one schedule per wrk thread, WRK_THREADS / WRK_RATE
-- seconds apart: with enough idle connections the thread sends at exactly its share of the
-- rate whatever the latency. A slot already past is moved to now (no catch-up burst), so a
-- system that cannot keep up gets less than offered: bench/wrk.ts reports the rate achieved.
-- Latency is wrk's own, from the send to the answer.
--
-- done() prints the figures as one JSON line after wrk's own summary: exact percentiles, no
-- parsing of formatted text.

wrk.method = "POST"
wrk.body = '{"query":"mutation { cancelPrintMessage(msgNo: \\"BENCH-MSG-1\\") { cancelled } }"}'
wrk.headers["Content-Type"] = "application/json"

local rate = tonumber(os.getenv("WRK_RATE") or "")
if rate and rate > 0 then
  local ffi = require("ffi")
  ffi.cdef([[
    typedef struct { long tv_sec; long tv_nsec; } wrk_timespec;
    int clock_gettime(int clock_id, wrk_timespec *tp);
  ]])
  local CLOCK_MONOTONIC = 1
  local ts = ffi.new("wrk_timespec")
  local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local interval_ms = 1000 * tonumber(os.getenv("WRK_THREADS") or "1") / rate
  local next_slot = nil

  function delay()
    local now = now_ms()
    if next_slot == nil or next_slot < now then next_slot = now end
    local wait = next_slot - now
    next_slot = next_slot + interval_ms
    return wait
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"durationUs":%d,"requests":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latencyUs":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
