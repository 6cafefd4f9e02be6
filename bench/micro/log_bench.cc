// The request log line, written for every request at level info: its fields gathered as the frontend
// gathers them and the line written to a file (/dev/null, so that only the process's work counts).
#include <benchmark/benchmark.h>

#include "base/log.h"

namespace salesdb {
namespace {

void BM_RequestLogLine(benchmark::State& state) {
  if (!log::Init("info", "/dev/null").ok()) state.SkipWithError("cannot open /dev/null");
  const std::string request_id = "3f2a9c41d0b87e65";
  const std::string route = "/api/v1/customers/{id}";
  const std::string ip = "127.0.0.1";
  for (auto _ : state) {
    log::Info("request", {{"request_id", request_id},
                          {"user_id", 1},
                          {"method", "GET"},
                          {"route", route},
                          {"status", 200},
                          {"duration_ms", 0.412},
                          {"ip", ip}});
  }
  log::Flush();
}
BENCHMARK(BM_RequestLogLine);

}  // namespace
}  // namespace salesdb
