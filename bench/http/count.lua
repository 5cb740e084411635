-- wrk script of bench/http_checkout.py for GETs (headers from -H): counts 2xx and other answers per thread and
-- prints the "BENCH {...}" summary line (checkout.lua loads this file for the same counting and line).
threads = {}  -- global, not returned (wrk runs this file as a script): checkout.lua, which loads it, adds to it

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  refused = 0
  sample = ""
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    refused = refused + 1
    if sample == "" then sample = (string.gsub(status .. " " .. string.sub(body or "", 1, 300), '[%c"\\]', " ")) end
  end
end

function done(summary, latency, requests)
  local total_ok, total_refused, first = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_refused = total_refused + thread:get("refused")
    if first == "" then first = thread:get("sample") end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"ok":%d,"refused":%d,"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"timeouts":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"sample":"%s"}\n',
    total_ok, total_refused, summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.timeout, e.connect, e.read, e.write, e.status, first))
end
