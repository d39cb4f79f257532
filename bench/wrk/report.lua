-- Loaded by wrk for every read run (wrk -s report.lua URL): the request is
-- wrk's own static one (plus any -H headers), so wrk spends nothing in Lua per
-- request; done() prints one machine-readable line that bench/run.sh parses
-- (bench/wrk/lib.lua). Latencies are in microseconds; errors counts socket
-- errors, timeouts and responses with status >= 400.
local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "lib.lua")
done = lib.done
