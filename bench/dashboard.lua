-- (c) Dashboard summary for the admin (all regions): the cached aggregate plus the per-user
-- "my renewals" list, which is read every time.
package.path = (os.getenv("BENCH_DIR") or "bench") .. "/?.lua;" .. package.path
local c = require("common")
setup, done = c.setup, c.done
function init(args) c.init() end

function request()
  return wrk.format("GET", "/api/v1/dashboard/summary")
end
