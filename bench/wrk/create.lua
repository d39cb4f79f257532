-- Durable creates for wrk: POST the JSON body read from a file with a bearer
-- token and an Idempotency-Key that is unique per request (run id, wrk thread,
-- counter), so that every request creates a new matter and none is a replay.
-- usage: wrk -s create.lua URL -- RUN_ID TOKEN BODY_FILE
-- A body may name its parties "{{plaintiff_id}}" and "{{defendant_id}}": each
-- request then gets two citizen ids of its own (valid check digits; the request's
-- thread and counter pick them), so that filings have different parties, as
-- real ones mostly do, instead of one plaintiff and one defendant in them all.
-- done() prints the same BENCH line as report.lua.
local thread_count = 0

function setup(thread)
   thread_count = thread_count + 1
   thread:set("tid", thread_count)
end

local run_id, body, headers, path, templated
local counter = 0

-- A citizen id (GB 11643): region, birth date, sequence, check digit; n picks
-- the date (one day per 1,000) and the sequence.
local weights = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
local base_day = os.time({ year = 1960, month = 1, day = 1, hour = 12 })
local function citizen_id(region, n)
   local s = region .. os.date("!%Y%m%d", base_day + math.floor(n / 1000) % 18000 * 86400)
      .. string.format("%03d", n % 1000)
   local sum = 0
   for i = 1, 17 do sum = sum + tonumber(s:sub(i, i)) * weights[i] end
   return s .. ("10X98765432"):sub(sum % 11 + 1, sum % 11 + 1)
end

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
   templated = body:find("{{plaintiff_id}}", 1, true) ~= nil
end

function request()
   counter = counter + 1
   headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run_id, tid, counter)
   if not templated then
      return wrk.format("POST", path, headers, body)
   end
   local n = counter * 16 + tid
   local b = body:gsub("{{plaintiff_id}}", citizen_id("500103", n))
   b = b:gsub("{{defendant_id}}", citizen_id("500105", n))
   return wrk.format("POST", path, headers, b)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d errors=%d status_errors=%d\n",
      summary.requests, summary.duration, summary.requests * 1e6 / summary.duration,
      latency:percentile(50), latency:percentile(99), latency.max,
      e.connect + e.read + e.write + e.timeout + e.status, e.status))
end
