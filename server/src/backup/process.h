// Runs a child program (pg_dump, pg_restore, psql) without a shell: argv as given, extra environment
// variables added, stdout discarded, stderr captured for the error message. Blocks until it exits.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace salesdb::backup {

Status RunProcess(const std::vector<std::string>& argv, const std::vector<std::pair<std::string, std::string>>& env);

}  // namespace salesdb::backup
