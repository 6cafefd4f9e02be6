#include "base/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>

namespace salesdb::log {
namespace {

std::shared_ptr<spdlog::logger> MakeLogger(spdlog::sink_ptr sink) {
  auto l = std::make_shared<spdlog::logger>("salesdb", std::move(sink));
  l->set_pattern("%v");
  return l;
}

std::shared_ptr<spdlog::logger>& Logger() {
  static std::shared_ptr<spdlog::logger> logger = MakeLogger(std::make_shared<spdlog::sinks::stdout_sink_mt>());
  return logger;
}

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

const char* Name(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

}  // namespace

Status Init(const std::string& level, const std::string& file) {
  spdlog::sink_ptr sink;
  try {
    // Neither sink flushes per line (spdlog's stdout sink does): a line waits in the stream's buffer,
    // so that a busy server makes one write per buffer rather than one per request.
    if (file.empty()) sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(std::cout);
    else sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file);
  } catch (const spdlog::spdlog_ex& e) {
    return InvalidArgument("config log.file: cannot open " + file + ": " + e.what());
  }
  auto l = MakeLogger(std::move(sink));
  l->set_level(spdlog::level::from_str(level));
  l->flush_on(spdlog::level::warn);
  // Registered so that spdlog's flusher reaches it: a line below warn is written within a second.
  spdlog::drop(l->name());
  spdlog::register_logger(l);
  spdlog::flush_every(std::chrono::seconds(1));
  Logger() = std::move(l);
  return Status::Ok();
}

void Flush() { Logger()->flush(); }

void Write(Level level, std::string_view msg, const nlohmann::json& fields) {
  auto& logger = Logger();
  if (!logger->should_log(ToSpd(level))) return;
  nlohmann::json line = {
      {"ts", std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count()},
      {"level", Name(level)},
      {"msg", msg}};
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  }
  // Replace invalid UTF-8 rather than throw: a log line must never take a request down.
  logger->log(ToSpd(level), line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace salesdb::log
