-- (b) Customer detail: a random customer with contacts, licences, opportunities and the 20
-- latest activities (one round trip), so that no cache sees the same id twice in a row.
package.path = (os.getenv("BENCH_DIR") or "bench") .. "/?.lua;" .. package.path
local c = require("common")
setup, done = c.setup, c.done
function init(args) c.init() end

function request()
  return wrk.format("GET", "/api/v1/customers/" .. math.random(c.customers))
end
