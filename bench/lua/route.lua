-- wrk script: random paths from a list, a fixed session cookie, and a JSON summary on stdout.
-- Environment (set by bench/run.py): BENCH_PATHS (file with one path a line), BENCH_COOKIE (may be empty).
local paths = {}
local cookie = os.getenv("BENCH_COOKIE") or ""
local threads = {}

local function load_paths()
  local f = io.open(os.getenv("BENCH_PATHS"), "r")
  for line in f:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  f:close()
end

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  load_paths()
  math.randomseed(os.time() + id * 7919)
  non200 = 0
  statuses = {}
  if #cookie > 0 then wrk.headers["Cookie"] = cookie end
  wrk.headers["Accept-Language"] = "nl"
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local non = 0
  local codes = {}
  for _, t in ipairs(threads) do
    non = non + (t:get("non200") or 0)
    local s = t:get("statuses") or {}
    for k, v in pairs(s) do codes[#codes + 1] = string.format('"%s":%d', k, v) end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,' ..
    '"errors_timeout":%d,"non200":%d,"non200_codes":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout, non, table.concat(codes, ",")))
end
