-- (a) Customer list: 50 rows filtered by region (rotated), newest updates first; each row carries
-- the owner's name and its active licence count.
package.path = (os.getenv("BENCH_DIR") or "bench") .. "/?.lua;" .. package.path
local c = require("common")
setup, done = c.setup, c.done
function init(args) c.init() end

function request()
  local region = c.regions[math.random(#c.regions)]
  return wrk.format("GET", "/api/v1/customers?limit=50&sort=-updated_at&region=" .. region)
end
