-- What the wrk scripts of bench/ share. Loaded with dofile from the script's
-- own directory (see bench/wrk/create.lua), in wrk's main Lua state and in
-- every thread's.
local lib = {}

-- The line bench/run.sh parses after every run: requests/s, latencies in
-- microseconds, and errors (socket errors, timeouts and responses with status
-- >= 400). extra (optional) is appended as it is (" name=value" pairs).
function lib.bench_line(requests, duration_us, p50_us, p99_us, max_us, errors, status_errors, extra)
   io.write(string.format(
      "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d errors=%d status_errors=%d%s\n",
      requests, duration_us, requests * 1e6 / duration_us, p50_us, p99_us, max_us, errors,
      status_errors, extra or ""))
end

-- done() of a script whose figures are wrk's own (every request counts).
-- busy_conns: the connections that had a request in flight on average, by
-- Little's law (completed requests/s × their mean latency). wrk keeps every
-- connection busy, so it is close to -c; a request still unanswered when the
-- run ends is in no figure of wrk's (neither a request, nor a latency, nor a
-- timeout below --timeout), and a server that stops answering shows only here.
function lib.done(summary, latency)
   local e = summary.errors
   local busy = summary.duration > 0 and summary.requests * latency.mean / summary.duration or 0
   lib.bench_line(summary.requests, summary.duration, latency:percentile(50),
      latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout + e.status,
      e.status, string.format(" busy_conns=%.1f", busy))
end

-- A citizen id (GB 11643): region, birth date, sequence, check digit; n picks
-- the date (one day per 1,000) and the sequence.
local weights = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
local base_day = os.time({ year = 1960, month = 1, day = 1, hour = 12 })
function lib.citizen_id(region, n)
   local s = region .. os.date("!%Y%m%d", base_day + math.floor(n / 1000) % 18000 * 86400)
      .. string.format("%03d", n % 1000)
   local sum = 0
   for i = 1, 17 do sum = sum + tonumber(s:sub(i, i)) * weights[i] end
   return s .. ("10X98765432"):sub(sum % 11 + 1, sum % 11 + 1)
end

-- The body with its parties' citizen ids ("{{plaintiff_id}}",
-- "{{defendant_id}}") made from n, so that every filing has parties of its own.
function lib.with_parties(body, n)
   local b = body:gsub("{{plaintiff_id}}", lib.citizen_id("500103", n))
   return (b:gsub("{{defendant_id}}", lib.citizen_id("500105", n)))
end

-- The content of a file (binary): all of it, or its first n bytes.
function lib.read_file(path, n)
   local f = assert(io.open(path, "rb"))
   local s = f:read(n or "*a")
   f:close()
   return s
end

-- Nearest-rank percentile p (0..100) of the numbers in t, sorted in place; 0
-- when t is empty.
function lib.percentile(t, p)
   if #t == 0 then return 0 end
   table.sort(t)
   return t[math.floor((#t - 1) * p / 100) + 1]
end

return lib
