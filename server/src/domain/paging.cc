#include "domain/paging.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

namespace salesdb {
namespace {

std::string Base64Url(const std::string& raw) {
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::optional<std::string> FromBase64Url(const std::string& text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

}  // namespace

StatusOr<PageRequest> MakePageRequest(const std::string& sort, const std::string& cursor, const std::string& limit,
                                      const std::vector<SortField>& allowed, const std::string& default_sort) {
  PageRequest page;
  std::string s = sort.empty() ? default_sort : sort;
  page.descending = !s.empty() && s[0] == '-';
  std::string field = page.descending ? s.substr(1) : s;
  const SortField* found = nullptr;
  for (const auto& f : allowed) {
    if (f.name == field) found = &f;
  }
  if (!found) {
    std::string names;
    for (const auto& f : allowed) names += (names.empty() ? "" : ", ") + f.name;
    return FieldInvalid("sort", "invalid", "sort by one of " + names + " (prefix - for descending)");
  }
  page.sort_field = field;
  page.numeric = found->numeric;
  if (!limit.empty()) {
    bool digits = limit.size() <= 6 && limit.find_first_not_of("0123456789") == std::string::npos;
    int n = digits ? std::stoi(limit) : 0;
    if (n < 1 || n > 500) return FieldInvalid("limit", "out_of_range", "must be between 1 and 500");
    page.limit = n;
  }
  if (!cursor.empty()) {
    auto raw = cursor.size() <= 2048 ? FromBase64Url(cursor) : std::nullopt;
    nlohmann::json j = raw ? nlohmann::json::parse(*raw, nullptr, false) : nlohmann::json();
    // [sort field, value, id]
    bool ok = j.is_array() && j.size() == 3 && j[0].is_string() && j[0] == s && j[2].is_number_integer();
    if (ok && found->numeric) ok = j[1].is_number_integer();
    if (ok && !found->numeric) ok = j[1].is_string();
    if (!ok) return FieldInvalid("cursor", "invalid", "is not a cursor for this list and sort");
    page.has_cursor = true;
    if (found->numeric) page.cursor_number = j[1].get<int64_t>();
    else page.cursor_text = j[1].get<std::string>();
    page.cursor_id = j[2].get<int64_t>();
  }
  return page;
}

std::string MakeCursor(const PageRequest& page, const std::string& text_value, int64_t number_value, int64_t id) {
  std::string sort = (page.descending ? "-" : "") + page.sort_field;
  nlohmann::json j = nlohmann::json::array({sort, nlohmann::json(), id});
  j[1] = page.numeric ? nlohmann::json(number_value) : nlohmann::json(text_value);
  return Base64Url(j.dump());
}

}  // namespace salesdb
