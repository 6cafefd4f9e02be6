-- (d) Create activity: POST JSON for a random customer. Each answer is sent only after its group
-- commit is durable (synchronous=FULL on SQLite, fsync=on on PostgreSQL).
package.path = (os.getenv("BENCH_DIR") or "bench") .. "/?.lua;" .. package.path
local c = require("common")
setup, done = c.setup, c.done
function init(args) c.init() end

local types = {"call", "meeting", "email", "note"}
local n = 0

function request()
  n = n + 1
  local body = string.format(
    '{"customer_id":%d,"type":"%s","subject":"Bench follow-up %d","body":"Discussed renewal terms and next steps."}',
    math.random(c.customers), types[math.random(#types)], n)
  -- wrk.format uses only the headers it is given: copy the shared ones and add the content type.
  local headers = {["Content-Type"] = "application/json"}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  return wrk.format("POST", "/api/v1/activities", headers, body)
end
