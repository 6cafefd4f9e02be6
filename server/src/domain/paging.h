// Keyset paging parameters: sort field validation and opaque cursors (base64url of [value, id]).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "domain/store.h"

namespace salesdb {

struct SortField {
  std::string name;
  bool numeric;
};

// Builds a PageRequest from the raw query parameters. `sort` like "-updated_at"; empty → default.
// 422 naming the parameter when the sort field is not allowed, the limit is outside 1..500 or the
// cursor is not one this server made for this sort.
StatusOr<PageRequest> MakePageRequest(const std::string& sort, const std::string& cursor, const std::string& limit,
                                      const std::vector<SortField>& allowed, const std::string& default_sort);

// The cursor that continues after a row with this sort value and id.
std::string MakeCursor(const PageRequest& page, const std::string& text_value, int64_t number_value, int64_t id);

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

// Trims the extra row repositories fetch and computes the next cursor from the last row.
template <typename T, typename KeyFn>
Page<T> MakePage(std::vector<T> rows, const PageRequest& page, KeyFn key) {
  Page<T> out;
  bool more = static_cast<int>(rows.size()) > page.limit;
  if (more) rows.resize(page.limit);
  if (more && !rows.empty()) {
    auto [text, number] = key(rows.back());
    out.next_cursor = MakeCursor(page, text, number, rows.back().id);
  }
  out.items = std::move(rows);
  return out;
}

}  // namespace salesdb
