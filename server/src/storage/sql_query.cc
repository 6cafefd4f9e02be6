#include "storage/sql_query.h"

#include <cctype>

#include "monitoring/metrics.h"

namespace salesdb {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The identifier after `keyword` in sql (case-insensitive), e.g. the table after FROM.
std::string WordAfter(const std::string& lower_sql, const char* keyword) {
  size_t pos = lower_sql.find(keyword);
  if (pos == std::string::npos) return "";
  pos += std::char_traits<char>::length(keyword);
  while (pos < lower_sql.size() && lower_sql[pos] == ' ') ++pos;
  size_t end = pos;
  while (end < lower_sql.size() && (std::isalnum(static_cast<unsigned char>(lower_sql[end])) || lower_sql[end] == '_')) {
    ++end;
  }
  return lower_sql.substr(pos, end - pos);
}

}  // namespace

// A stable, low-cardinality name for a statement: "<verb>:<first table>", e.g. "select:customers".
std::string QueryName(const std::string& sql) {
  std::string head = Lower(std::string_view(sql).substr(0, 400));
  size_t start = head.find_first_not_of(' ');
  std::string verb = start == std::string::npos ? "" : head.substr(start, head.find(' ', start) - start);
  std::string table;
  if (verb == "select" || verb == "delete") table = WordAfter(head, " from ");
  else if (verb == "insert") table = WordAfter(head, "into ");
  else if (verb == "update") table = WordAfter(head, "update ");
  return verb + ":" + (table.empty() ? "other" : table);
}

void Query::ObserveQuery(const std::string& sql, std::chrono::steady_clock::duration elapsed) {
  static const bool described = [] {
    monitoring::Registry::Global().Describe("salesdb_db_query_duration_seconds", "histogram",
                                            "Database statement duration by statement name (verb:table).");
    return true;
  }();
  (void)described;
  monitoring::Registry::Global().Observe("salesdb_db_query_duration_seconds", {{"query", QueryName(sql)}},
                                         std::chrono::duration<double>(elapsed).count(),
                                         monitoring::LatencyBuckets());
}

}  // namespace salesdb
