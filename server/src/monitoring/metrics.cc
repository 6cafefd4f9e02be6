#include "monitoring/metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace salesdb::monitoring {

Registry& Registry::Global() {
  static Registry r;
  return r;
}

std::string EscapeLabelValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string RenderLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    out += labels[i].first + "=\"" + EscapeLabelValue(labels[i].second) + "\"";
  }
  return out + "}";
}

namespace {
std::string FormatValue(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// HELP text escapes only backslash and newline (quotes stay as they are).
std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// Inserts le="..." into a rendered label set.
std::string WithLe(const std::string& rendered, const std::string& le) {
  std::string pair = "le=\"" + le + "\"";
  if (rendered.empty()) return "{" + pair + "}";
  return rendered.substr(0, rendered.size() - 1) + "," + pair + "}";
}
}  // namespace

void Registry::Describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = families_[name];
  f.type = type;
  f.help = help;
}

void Registry::Inc(const std::string& name, const Labels& labels, double by) {
  std::string key = RenderLabels(labels);
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].values[key] += by;
}

void Registry::Set(const std::string& name, const Labels& labels, double value) {
  std::string key = RenderLabels(labels);
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].values[key] = value;
}

void Registry::Series::Observe(double value) {
  for (size_t i = 0; i < h_.bounds.size(); ++i) {
    if (value <= h_.bounds[i]) {
      h_.counts[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  h_.count.fetch_add(1, std::memory_order_relaxed);
  h_.sum.fetch_add(value, std::memory_order_relaxed);
}

Registry::Series Registry::HistogramSeries(const std::string& name, const Labels& labels,
                                           const std::vector<double>& buckets) {
  std::string key = RenderLabels(labels);
  std::lock_guard<std::mutex> lock(mu_);
  auto& histograms = families_[name].histograms;
  auto it = histograms.find(key);
  if (it == histograms.end()) it = histograms.try_emplace(std::move(key), buckets).first;
  return Series(it->second);  // std::map nodes stay where they are
}

void Registry::Observe(const std::string& name, const Labels& labels, double value,
                       const std::vector<double>& buckets) {
  HistogramSeries(name, labels, buckets).Observe(value);
}

double Registry::Value(const std::string& name, const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto v = f->second.values.find(RenderLabels(labels));
  return v == f->second.values.end() ? 0 : v->second;
}

std::string Registry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (f.values.empty() && f.histograms.empty()) continue;
    if (!f.help.empty()) out += "# HELP " + name + " " + EscapeHelp(f.help) + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, v] : f.values) out += name + labels + " " + FormatValue(v) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      // Observations go on meanwhile (Series::Observe takes no lock): the count is read after the
      // buckets and never shown below their total, so that the buckets stay cumulative.
      uint64_t cumulative = 0;
      for (size_t i = 0; i < h.bounds.size(); ++i) {
        cumulative += h.counts[i].load(std::memory_order_relaxed);
        out += name + "_bucket" + WithLe(labels, FormatValue(h.bounds[i])) + " " + std::to_string(cumulative) + "\n";
      }
      const uint64_t count = std::max(cumulative, h.count.load(std::memory_order_relaxed));
      out += name + "_bucket" + WithLe(labels, "+Inf") + " " + std::to_string(count) + "\n";
      out += name + "_sum" + labels + " " + FormatValue(h.sum.load(std::memory_order_relaxed)) + "\n";
      out += name + "_count" + labels + " " + std::to_string(count) + "\n";
    }
  }
  return out;
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                               0.05,   0.1,   0.25,   0.5,   1,    2.5,  5, 10};
  return kBuckets;
}

std::string RenderProcessMetrics(const std::string& version) {
  std::string out;
  long ticks = sysconf(_SC_CLK_TCK);
  long page = sysconf(_SC_PAGESIZE);
  std::ifstream stat("/proc/self/stat");
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  if (close != std::string::npos) {
    std::istringstream rest(line.substr(close + 2));
    std::vector<std::string> f;
    std::string tok;
    while (rest >> tok) f.push_back(tok);
    // Fields after the command name: index 0 is field 3 (state). utime=14, stime=15, starttime=22,
    // vsize=23, rss=24 (1-based in proc(5)).
    if (f.size() > 21) {
      double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
      double vsize = std::stod(f[20]);
      double rss = std::stod(f[21]) * page;
      std::ifstream uptime_file("/proc/stat");
      double btime = 0;
      for (std::string l; std::getline(uptime_file, l);) {
        if (l.rfind("btime ", 0) == 0) btime = std::stod(l.substr(6));
      }
      double start = btime + std::stod(f[19]) / ticks;
      out += "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n";
      out += "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total " + FormatValue(cpu) + "\n";
      out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n";
      out += "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes " + FormatValue(rss) + "\n";
      out += "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n";
      out += "# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes " + FormatValue(vsize) + "\n";
      out += "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n";
      out += "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds " + FormatValue(start) + "\n";
    }
  }
  int fds = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++fds;
    closedir(d);
    fds -= 2;
  }
  out += "# HELP process_open_fds Number of open file descriptors.\n";
  out += "# TYPE process_open_fds gauge\nprocess_open_fds " + std::to_string(fds) + "\n";
  out += "# HELP salesdb_build_info Build information.\n# TYPE salesdb_build_info gauge\n";
  out += "salesdb_build_info{version=\"" + EscapeLabelValue(version) + "\"} 1\n";
  return out;
}

}  // namespace salesdb::monitoring
