-- Loaded by wrk for every read run (wrk -s report.lua URL): the request is
-- wrk's own static one (plus any -H headers), so wrk spends nothing in Lua per
-- request; done() prints one machine-readable line that bench/run.sh parses.
-- Latencies are in microseconds; errors counts socket errors, timeouts and
-- responses with status >= 400.
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d errors=%d status_errors=%d\n",
      summary.requests, summary.duration, summary.requests * 1e6 / summary.duration,
      latency:percentile(50), latency:percentile(99), latency.max,
      e.connect + e.read + e.write + e.timeout + e.status, e.status))
end
