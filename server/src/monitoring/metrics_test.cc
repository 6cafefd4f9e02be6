// The Prometheus text exposition format (0.0.4): HELP/TYPE lines, label escaping, cumulative
// histogram buckets ending in +Inf, _sum and _count.
#include "monitoring/metrics.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace salesdb::monitoring {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(MetricsTest, CountersAndGaugesWithHelpAndType) {
  Registry r;
  r.Describe("salesdb_http_requests_total", "counter", "HTTP requests.");
  r.Inc("salesdb_http_requests_total", {{"method", "GET"}, {"status", "200"}});
  r.Inc("salesdb_http_requests_total", {{"method", "GET"}, {"status", "200"}}, 2);
  r.Describe("salesdb_in_flight", "gauge", "Requests in flight.");
  r.Set("salesdb_in_flight", {}, 3);
  EXPECT_EQ(r.Value("salesdb_http_requests_total", {{"method", "GET"}, {"status", "200"}}), 3);
  EXPECT_EQ(Lines(r.Render()), (std::vector<std::string>{
                                   "# HELP salesdb_http_requests_total HTTP requests.",
                                   "# TYPE salesdb_http_requests_total counter",
                                   "salesdb_http_requests_total{method=\"GET\",status=\"200\"} 3",
                                   "# HELP salesdb_in_flight Requests in flight.",
                                   "# TYPE salesdb_in_flight gauge",
                                   "salesdb_in_flight 3",
                               }));
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(RenderLabels({{"route", "/api/v1/customers/{id}"}, {"q", "say \"hi\""}}),
            "{route=\"/api/v1/customers/{id}\",q=\"say \\\"hi\\\"\"}");
  EXPECT_EQ(RenderLabels({}), "");
  Registry r;
  r.Describe("m", "counter", "line one\nline two with a \\ backslash");
  r.Inc("m");
  // In HELP text, backslash and newline are escaped (a raw newline would end the line).
  EXPECT_EQ(Lines(r.Render())[0], "# HELP m line one\\nline two with a \\\\ backslash");
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry r;
  r.Describe("d_seconds", "histogram", "Durations.");
  const std::vector<double> buckets = {0.01, 0.1, 1};
  for (double v : {0.005, 0.01, 0.05, 0.5, 0.7, 3.0}) r.Observe("d_seconds", {{"route", "/x"}}, v, buckets);
  EXPECT_EQ(Lines(r.Render()), (std::vector<std::string>{
                                   "# HELP d_seconds Durations.",
                                   "# TYPE d_seconds histogram",
                                   "d_seconds_bucket{route=\"/x\",le=\"0.01\"} 2",
                                   "d_seconds_bucket{route=\"/x\",le=\"0.1\"} 3",
                                   "d_seconds_bucket{route=\"/x\",le=\"1\"} 5",
                                   "d_seconds_bucket{route=\"/x\",le=\"+Inf\"} 6",
                                   "d_seconds_sum{route=\"/x\"} 4.265",
                                   "d_seconds_count{route=\"/x\"} 6",
                               }));
  Registry unlabelled;
  unlabelled.Observe("q", {}, 0.2, buckets);
  const std::string text = unlabelled.Render();
  EXPECT_NE(text.find("q_bucket{le=\"0.1\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("q_bucket{le=\"+Inf\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE q untyped\n"), std::string::npos) << text;
}

// A kept series is observed into without the registry's lock, from many threads at once, beside
// Observe on the same label set and a scrape: nothing is lost and every scrape is cumulative.
TEST(MetricsTest, KeptSeriesCountEveryObservationFromManyThreads) {
  Registry r;
  const std::vector<double> buckets = {0.01, 0.1, 1};
  Registry::Series kept = r.HistogramSeries("q_seconds", {{"query", "select:x"}}, buckets);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10'000; ++i) {
        if (t % 2 == 0) kept.Observe(0.05);
        else r.Observe("q_seconds", {{"query", "select:x"}}, 2.0, buckets);
      }
    });
  }
  for (int scrape = 0; scrape < 20; ++scrape) {
    uint64_t previous = 0;
    for (const std::string& line : Lines(r.Render())) {
      if (line.rfind("q_seconds_bucket", 0) != 0) continue;
      const uint64_t n = std::stoull(line.substr(line.rfind(' ') + 1));
      EXPECT_GE(n, previous) << line;
      previous = n;
    }
  }
  for (auto& t : threads) t.join();
  const std::string text = r.Render();
  EXPECT_NE(text.find("q_seconds_bucket{query=\"select:x\",le=\"0.1\"} 20000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("q_seconds_bucket{query=\"select:x\",le=\"1\"} 20000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("q_seconds_count{query=\"select:x\"} 40000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("q_seconds_sum{query=\"select:x\"} 41000\n"), std::string::npos) << text;
}

TEST(MetricsTest, StandardBucketsAreSortedAndProcessMetricsPresent) {
  const auto& b = LatencyBuckets();
  ASSERT_FALSE(b.empty());
  for (size_t i = 1; i < b.size(); ++i) EXPECT_LT(b[i - 1], b[i]);
  const std::string p = RenderProcessMetrics("1.2.3 \"dev\"");
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
                           "process_start_time_seconds"}) {
    EXPECT_NE(p.find(std::string("# TYPE ") + name), std::string::npos) << name;
  }
  EXPECT_NE(p.find("salesdb_build_info{version=\"1.2.3 \\\"dev\\\"\"} 1"), std::string::npos) << p;
}

// Every sample line is `name{labels} value` with a metric name of [a-zA-Z_:][a-zA-Z0-9_:]*.
TEST(MetricsTest, EveryLineParses) {
  Registry r;
  r.Describe("a_total", "counter", "A.");
  r.Inc("a_total", {{"x", "1\n2"}});
  r.Observe("h", {{"k", "v"}}, 1e-9, LatencyBuckets());
  for (const std::string& line : Lines(r.Render() + RenderProcessMetrics("v"))) {
    if (line.rfind("# ", 0) == 0) {
      EXPECT_TRUE(line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) << line;
      continue;
    }
    ASSERT_FALSE(line.empty());
    size_t i = 0;
    EXPECT_TRUE(std::isalpha(static_cast<unsigned char>(line[0])) || line[0] == '_' || line[0] == ':') << line;
    while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_' || line[i] == ':')) ++i;
    if (line[i] == '{') i = line.find("} ", i) + 1;
    ASSERT_LT(i, line.size()) << line;
    EXPECT_EQ(line[i], ' ') << line;
    const std::string value = line.substr(i + 1);
    EXPECT_FALSE(value.empty()) << line;
    EXPECT_EQ(value.find(' '), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace salesdb::monitoring
