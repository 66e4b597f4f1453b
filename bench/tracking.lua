-- wrk script of `make bench-tracking`: cycles through the paths in the file BENCH_PATHS
-- (each thread from its own place), as a browser behind the HTTPS proxy, and prints a
-- JSON summary line at the end.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = line
end

wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
wrk.headers["X-Forwarded-Proto"] = "https"

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local next_path = 1
function init(args)
  next_path = (id * 7919) % #paths + 1
end

function request()
  local path = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format(nil, path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d,' ..
    ' "mean_us": %.0f, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
