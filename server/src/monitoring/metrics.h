// Process metrics in the Prometheus text exposition format (version 0.0.4). Counters, gauges and
// histograms keyed by a label set; the exposition is hand-written (no packaged client) and kept in
// metrics.cc alone, tested against the format in metrics_test.cc. Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace salesdb::monitoring {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Registry {
 private:
  struct Histogram;

 public:
  // One histogram's label set, observed into without the registry's lock: for the hot paths, which
  // look a series up once and keep it (it lives as long as the registry).
  class Series {
   public:
    void Observe(double value);

   private:
    friend class Registry;
    explicit Series(Histogram& h) : h_(h) {}
    Histogram& h_;
  };

  static Registry& Global();

  void Describe(const std::string& name, const std::string& type, const std::string& help);
  void Inc(const std::string& name, const Labels& labels = {}, double by = 1);
  void Set(const std::string& name, const Labels& labels, double value);
  // Observes a value into a histogram with the given upper bounds (seconds by convention).
  void Observe(const std::string& name, const Labels& labels, double value, const std::vector<double>& buckets);
  // The series of histogram `name` with `labels` (created with `buckets` if new).
  Series HistogramSeries(const std::string& name, const Labels& labels, const std::vector<double>& buckets);
  double Value(const std::string& name, const Labels& labels = {}) const;  // counters and gauges; tests
  std::string Render() const;

 private:
  struct Histogram {
    explicit Histogram(const std::vector<double>& b) : bounds(b), counts(b.size()) {}
    const std::vector<double> bounds;
    std::vector<std::atomic<uint64_t>> counts;  // per bound, not cumulative
    std::atomic<uint64_t> count{0};
    std::atomic<double> sum{0};
  };
  struct Family {
    std::string type = "untyped";
    std::string help;
    std::map<std::string, double> values;         // rendered label set → value
    std::map<std::string, Histogram> histograms;  // rendered label set → histogram
  };
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

// Label value escaping per the exposition format: backslash, double quote and newline.
std::string EscapeLabelValue(const std::string& v);
std::string RenderLabels(const Labels& labels);

// Standard buckets for request and query durations, in seconds.
const std::vector<double>& LatencyBuckets();

// Adds process_* metrics (CPU, resident memory, open fds, start time) and salesdb_build_info.
std::string RenderProcessMetrics(const std::string& version);

}  // namespace salesdb::monitoring
