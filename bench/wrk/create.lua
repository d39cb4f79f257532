-- Durable creates for wrk: POST the JSON body read from a file with a bearer
-- token and an Idempotency-Key that is unique per request (run id, wrk thread,
-- counter), so that every request creates a new matter and none is a replay.
-- usage: wrk -s create.lua URL -- RUN_ID TOKEN BODY_FILE
-- A body may name its parties "{{plaintiff_id}}" and "{{defendant_id}}": each
-- request then gets two citizen ids of its own (valid check digits; the request's
-- thread and counter pick them), so that filings have different parties, as
-- real ones mostly do, instead of one plaintiff and one defendant in them all.
-- done() prints the same BENCH line as report.lua.
local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "lib.lua")
local thread_count = 0

function setup(thread)
   thread_count = thread_count + 1
   thread:set("tid", thread_count)
end

local run_id, body, headers, path, templated
local counter = 0

function init(args)
   run_id = args[1]
   body = lib.read_file(args[3])
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
   return wrk.format("POST", path, headers, lib.with_parties(body, counter * 16 + tid))
end

done = lib.done
