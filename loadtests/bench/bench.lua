-- wrk script for loadtests/bench/run.sh: sends prebuilt, signed Slack slash commands.
--
-- Environment:
--   BENCH_REQUESTS  file written by io.switchboard.bench.SignedRequests, one request a line:
--                   <timestamp> TAB <signature> TAB <url-encoded body>
--   BENCH_PATH      request path (default /slack/commands)
--   BENCH_FIRST, BENCH_LAST  the lines (1-based, inclusive) of the file to use; default all
--   BENCH_THREADS   the number of wrk threads (-t), so that each thread knows its share
--   BENCH_EXPECT    if set, every response is checked: "expected" when it is a 200 whose body contains
--                   this plain text (e.g. "Queued"), "unexpected" otherwise (with a sample)
--
-- Each wrk thread takes every T-th line of the file (T = number of threads), so no two threads send
-- the same request. A thread that has sent all of its lines starts again from its first line: it has
-- "wrapped", and done() reports it (for the durable path a wrapped run re-sends trigger ids that the
-- server already acknowledged, which it answers as retried deliveries).
-- The last line printed is machine-readable (BENCH_RESULT key=value ...) for run.sh.

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local requests = {}
local n = 0
local i = 0
sent = 0
expected = 0
unexpected = 0
unique = 0
sample = ""
local expect = nil

function init(args)
  local file = os.getenv("BENCH_REQUESTS")
  local path = os.getenv("BENCH_PATH") or "/slack/commands"
  expect = os.getenv("BENCH_EXPECT")
  if expect == "" then expect = nil end
  if not file then error("BENCH_REQUESTS is not set") end
  -- wrk runs setup() for every thread before any init(); the count is known from the threads' ids
  -- only in the main state, so every thread reads it from the environment run.sh sets.
  local total = tonumber(os.getenv("BENCH_THREADS") or "1")
  local first = tonumber(os.getenv("BENCH_FIRST") or "1")
  local last = tonumber(os.getenv("BENCH_LAST") or "1e12")
  local line_number = 0
  for line in io.lines(file) do
    line_number = line_number + 1
    if line_number > last then break end
    if line_number >= first and (line_number - first) % total == id then
      local ts, sig, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      n = n + 1
      requests[n] = wrk.format("POST", path, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Slack-Request-Timestamp"] = ts,
        ["X-Slack-Signature"] = sig,
      }, body)
    end
  end
  if n == 0 then error("no requests for thread " .. id .. " in " .. file) end
  unique = n
end

function request()
  i = i + 1
  if i > n then i = 1 end
  sent = sent + 1
  return requests[i]
end

-- Defined only when BENCH_EXPECT is set: wrk hands every response to Lua only if response() exists,
-- which costs the load core a good part of its capacity (measured: about 2.5x fewer requests a second
-- against the bare server). run.sh leaves it off and checks with the server's own counters instead.
if (os.getenv("BENCH_EXPECT") or "") ~= "" then
  function response(status, headers, body)
    if status == 200 and (expect == nil or (body and body:find(expect, 1, true))) then
      expected = expected + 1
    else
      unexpected = unexpected + 1
      if sample == "" then
        sample = tostring(status) .. " " .. string.sub(body or "", 1, 160):gsub("[\r\n\t]", " ")
      end
    end
  end
end

function done(summary, latency, requests_stats)
  local total_sent, total_unique, total_expected, total_unexpected, wrapped = 0, 0, 0, 0, "no"
  local first_sample = ""
  for _, thread in ipairs(threads) do
    local s, u = thread:get("sent"), thread:get("unique")
    total_sent = total_sent + s
    total_unique = total_unique + u
    total_expected = total_expected + thread:get("expected")
    total_unexpected = total_unexpected + thread:get("unexpected")
    if s > u then wrapped = "yes" end
    if first_sample == "" then first_sample = thread:get("sample") end
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    "BENCH_RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f responses=%d sent=%d unique=%d wrapped=%s "
      .. "expected=%d unexpected=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d status_errors=%d seconds=%.2f sample=%s\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, total_sent, total_unique, wrapped, total_expected, total_unexpected,
    errors.connect, errors.read, errors.write, errors.timeout, errors.status, seconds,
    (first_sample:gsub(" ", "_"))))
end
