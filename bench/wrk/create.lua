-- Durable creates for wrk: POST the JSON body read from a file with a bearer
-- token and an Idempotency-Key that is unique per request (run id, wrk thread,
-- counter), so that every request creates a new matter and none is a replay.
-- usage: wrk -s create.lua URL -- RUN_ID TOKEN BODY_FILE
-- done() prints the same BENCH line as report.lua.
local thread_count = 0

function setup(thread)
   thread_count = thread_count + 1
   thread:set("tid", thread_count)
end

local run_id, body, headers, path
local counter = 0

function init(args)
   run_id = args[1]
   local f = assert(io.open(args[3], "rb"))
   body = f:read("*a")
   f:close()
   headers = {
      ["Authorization"] = "Bearer " .. args[2],
      ["Content-Type"] = "application/json",
   }
   path = wrk.path
end

function request()
   counter = counter + 1
   headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run_id, tid, counter)
   return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d errors=%d status_errors=%d\n",
      summary.requests, summary.duration, summary.requests * 1e6 / summary.duration,
      latency:percentile(50), latency:percentile(99), latency.max,
      e.connect + e.read + e.write + e.timeout + e.status, e.status))
end
