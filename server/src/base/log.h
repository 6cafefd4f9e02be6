// JSON-lines logging on spdlog. Every line is one JSON object: ts, level, msg, and the caller's fields
// (request_id, user_id, route, status, duration_ms, ...). Never pass secrets, tokens, passwords or
// decrypted values as fields. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"

namespace salesdb::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets up the process logger: stdout when `file` is empty, else that file (appended; an error
// naming log.file when it cannot be opened). `level` is one of debug, info, warn, error. Call it
// before other threads log.
Status Init(const std::string& level, const std::string& file);
void Flush();

void Write(Level level, std::string_view msg, const nlohmann::json& fields = nlohmann::json::object());
inline void Debug(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { Write(Level::kDebug, m, f); }
inline void Info(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { Write(Level::kInfo, m, f); }
inline void Warn(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { Write(Level::kWarn, m, f); }
inline void Error(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { Write(Level::kError, m, f); }

}  // namespace salesdb::log
