// Scheduling priority of the server's background threads.
#pragma once

namespace salesdb {

// Lowers the calling thread's priority (Linux: its nice value, +10) so that a background thread's
// bursts of work (the audit daemon's verification, a backup's compression) take CPU time the
// request threads leave rather than adding to their latencies. The kernel still gives it a share
// (about a tenth of a busy core's), so it keeps up under load; child processes inherit it. Needs
// no privilege; a failure is logged and ignored.
void RunAtBackgroundPriority();

}  // namespace salesdb
