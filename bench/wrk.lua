-- wrk script for `manage.py bench_pages`. Each request carries the next of the session
-- cookies in WRK_COOKIES (space separated), as if that many people used the service at
-- once; at the end it prints one line of JSON with the figures the command records.
local cookies = {}
for value in string.gmatch(os.getenv("WRK_COOKIES") or "", "%S+") do
  table.insert(cookies, value)
end
local cookie_name = os.getenv("WRK_COOKIE_NAME") or "sessionid"
local sent = 0

request = function()
  sent = sent + 1
  local headers = {}
  if #cookies > 0 then
    headers["Cookie"] = cookie_name .. "=" .. cookies[(sent % #cookies) + 1]
  end
  return wrk.format("GET", nil, headers)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
