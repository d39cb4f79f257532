-- Filings with their materials for wrk, as a litigant's browser makes them in
-- the wizard (web/src/forms/upload.ts, application.ts): first each material is
-- uploaded (POST /api/v1/attachments, multipart/form-data: the file, its code
-- in the published checklist and a title), then the filing is submitted naming
-- the uploads (POST /api/v1/matters: application.attachments[].id and
-- evidence[].attachment), which binds them to the new matter.
-- usage: wrk -s materials.lua URL -- RUN_ID TOKENS_FILE BODY_FILE FIXTURES_H THREADS ID_BYTES IOU_BYTES QUOTA
--   URL          the server's base URL (the paths are the routes above)
--   TOKENS_FILE  party accounts, "TOKEN UPLOADS_MADE" a line: an account
--                uploads at most QUOTA files in 24 hours (YZ_ATTACH_DAY_COUNT,
--                src/attachments/attachments.h); the thread t of THREADS takes
--                the lines t, t + THREADS, …, one account after the other
--   BODY_FILE    the filing (as bench/wrk/create.lua's), whose application names
--                "{{id_copy}}" and "{{iou}}" where the uploads' ids go
--   FIXTURES_H   tests/fixtures/attachments.h, for its valid JPEG (YZF_JPEG)
--   ID_BYTES, IOU_BYTES  the sizes of the two materials (at most 65,000)
-- Every filing has two materials, each a JPEG of its own content (a scan:
-- the fixture's headers, a comment segment of random bytes, its image data):
--   the plaintiff's ID card (G2 of the checklist) in attachments, and
--   the IOU (103.3-1, 借贷关系凭证) as the file of the first evidence.
-- A thread uploads the next material of its current account whenever no
-- account has both of its materials uploaded, and otherwise submits that
-- account's filing; so about two uploads go with each submission, on all
-- connections. The figure (rps) is filings submitted (201) per second; p50/p99
-- are the submissions' latencies, from the request to its response; the
-- uploads' rate and latencies follow in the same BENCH line (uploads=,
-- upload_rps=, upload_p50_us=, upload_p99_us=), then unused= (uploads no
-- filing took when the run ended), exhausted= (threads that ran out of
-- accounts and stopped: the figure is then a lower bound) and busy_upload_rps=
-- (each thread's uploads over the time it ran, summed: the rate the next run
-- needs accounts for, also when this one ran out).
local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "lib.lua")
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } yz_bench_timespec;
int clock_gettime(int clk, yz_bench_timespec *ts);
]]
local ts = ffi.new("yz_bench_timespec")
local function now_us() -- CLOCK_MONOTONIC
   ffi.C.clock_gettime(1, ts)
   return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local MATERIALS = {
   { kind = "G2", title = "原告身份证复印件" },
   { kind = "103.3-1", title = "借条" },
}

local threads = {}
function setup(thread)
   threads[#threads + 1] = thread
   thread:set("tid", #threads)
end

local run_id, quota, body, jpeg_head, jpeg_tail, noise, boundary
local accounts = {} -- { token, uploads (issued), ready = { {ids…}, {ids…} } }
local current = 1
local ready = {}    -- accounts with every material uploaded, oldest first
local uploading = {} -- file name -> { at, account, material }
local submitting = {} -- id of the ID card upload -> when the filing was sent
local counter = 0
-- Read by done() through thread:get.
creates_ok, uploads_ok, submitted, exhausted = 0, 0, 0, 0
started_us, last_us = 0, 0
create_us, upload_us = {}, {}

-- The JPEG fixture's bytes (a C array of 0x.. in the header file).
local function fixture_jpeg(path)
   local src = lib.read_file(path)
   local arr = assert(src:match("YZF_JPEG%[%][^=]*=%s*{(.-)}"), "YZF_JPEG not in " .. path)
   local bytes = {}
   for h in arr:gmatch("0x(%x%x)") do bytes[#bytes + 1] = string.char(tonumber(h, 16)) end
   return table.concat(bytes)
end

function init(args)
   run_id = args[1]
   local nthreads = tonumber(args[5])
   quota = tonumber(args[8])
   local i = 0
   for line in io.lines(args[2]) do
      i = i + 1
      local token, made = line:match("^(%S+) (%d+)$")
      if (i - 1) % nthreads == tid - 1 and token then
         accounts[#accounts + 1] = { token = token, uploads = tonumber(made), ready = { {}, {} } }
      end
   end
   body = lib.read_file(args[3])
   MATERIALS[1].bytes, MATERIALS[2].bytes = tonumber(args[6]), tonumber(args[7])
   local jpeg = fixture_jpeg(args[4])
   -- SOI and the JFIF APP0 segment (20 bytes), then the comment, then the rest.
   jpeg_head, jpeg_tail = jpeg:sub(1, 20), jpeg:sub(21)
   noise = lib.read_file("/dev/urandom", 64 * 1024)
   boundary = "yizhan-bench-" .. run_id .. "-" .. tid .. "-5f1c2a9e7b3d"
   assert(not noise:find(boundary, 1, true))
end

-- A JPEG of n bytes whose comment segment begins with tag (unique content).
local function scan(n, tag)
   local com = n - #jpeg_head - #jpeg_tail - 4
   local data = tag .. noise:sub(1, com - #tag)
   return jpeg_head .. "\255\254" .. string.char(math.floor((com + 2) / 256), (com + 2) % 256)
      .. data .. jpeg_tail
end

local function part(name, value)
   return "--" .. boundary .. '\r\nContent-Disposition: form-data; name="' .. name .. '"\r\n\r\n'
      .. value .. "\r\n"
end

local function upload(a, index)
   local acc = accounts[a]
   local m = acc.uploads % #MATERIALS + 1
   acc.uploads = acc.uploads + 1
   local mat = MATERIALS[m]
   -- A phone's file name, unique in the thread: the response names it, which
   -- is how the response is matched to its request.
   local name = string.format("IMG_%d_%d.jpg", tid, counter)
   uploading[name] = { at = now_us(), account = a, material = m }
   local file = scan(mat.bytes, string.format("yizhan bench %s %d %d\n", run_id, tid, counter))
   local b = part("kind", mat.kind) .. part("title", mat.title) .. "--" .. boundary
      .. '\r\nContent-Disposition: form-data; name="file"; filename="' .. name
      .. '"\r\nContent-Type: image/jpeg\r\n\r\n' .. file .. "\r\n--" .. boundary .. "--\r\n"
   return wrk.format("POST", "/api/v1/attachments", {
      ["Authorization"] = "Bearer " .. acc.token,
      ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
      ["Idempotency-Key"] = index,
   }, b)
end

local function submit(a, index)
   local acc = accounts[a]
   submitted = submitted + 1
   local id_copy = table.remove(acc.ready[1], 1)
   local iou = table.remove(acc.ready[2], 1)
   submitting[id_copy] = now_us()
   local b = lib.with_parties(body, counter * 16 + tid)
   b = b:gsub("{{id_copy}}", id_copy):gsub("{{iou}}", iou)
   return wrk.format("POST", "/api/v1/matters", {
      ["Authorization"] = "Bearer " .. acc.token,
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = index,
   }, b)
end

function request()
   if counter == 0 then started_us = now_us() end
   counter = counter + 1
   local index = string.format("bench-%s-%d-%d", run_id, tid, counter)
   if #ready > 0 then
      return submit(table.remove(ready, 1), index)
   end
   while accounts[current] and accounts[current].uploads >= quota do
      current = current + 1
   end
   if not accounts[current] then
      -- Out of accounts: this thread stops (the run's figure is a lower bound).
      exhausted = 1
      wrk.thread:stop()
      return wrk.format("GET", "/healthz")
   end
   return upload(current, index)
end

function response(status, headers, resp)
   if status ~= 201 then return end -- counted by wrk
   local t = now_us()
   last_us = t
   local name = resp:match('"name":"(IMG_%d+_%d+%.jpg)"')
   if name and uploading[name] then
      local u = uploading[name]
      uploading[name] = nil
      uploads_ok = uploads_ok + 1
      upload_us[#upload_us + 1] = t - u.at
      -- The account has one more filing's materials when this one pairs up.
      local r = accounts[u.account].ready
      local mine, other = r[u.material], r[3 - u.material]
      mine[#mine + 1] = resp:match('^{"id":(%d+)')
      if #mine <= #other then ready[#ready + 1] = u.account end
      return
   end
   local id_copy = resp:match('"attachments":%[{"id":(%d+)')
   if id_copy and submitting[id_copy] then
      creates_ok = creates_ok + 1
      create_us[#create_us + 1] = t - submitting[id_copy]
      submitting[id_copy] = nil
   end
end

function done(summary, latency, requests)
   local creates, uploads = {}, {}
   local ok, up, left, out, busy = 0, 0, 0, 0, 0
   for _, t in ipairs(threads) do
      ok = ok + t:get("creates_ok")
      up = up + t:get("uploads_ok")
      if t:get("last_us") > t:get("started_us") then
         busy = busy + t:get("uploads_ok") * 1e6 / (t:get("last_us") - t:get("started_us"))
      end
      left = left + t:get("uploads_ok") - #MATERIALS * t:get("submitted")
      out = out + t:get("exhausted")
      for _, v in ipairs(t:get("create_us")) do creates[#creates + 1] = v end
      for _, v in ipairs(t:get("upload_us")) do uploads[#uploads + 1] = v end
   end
   local e = summary.errors
   local errors = e.connect + e.read + e.write + e.timeout + e.status
   local p50, p99 = lib.percentile(creates, 50), lib.percentile(creates, 99)
   local extra = string.format(
      " uploads=%d upload_rps=%.1f upload_p50_us=%d upload_p99_us=%d unused=%d exhausted=%d"
         .. " busy_upload_rps=%.1f",
      up, up * 1e6 / summary.duration, lib.percentile(uploads, 50), lib.percentile(uploads, 99),
      left, out, busy)
   lib.bench_line(ok, summary.duration, p50, p99, creates[#creates] or 0, errors, e.status, extra)
end
