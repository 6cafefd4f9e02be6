#include "domain/field_cipher.h"

#include <cctype>

namespace salesdb {
namespace {
std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}
}  // namespace

std::string NormalizeEmail(std::string_view email) {
  std::string out(Trim(email));
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string NormalizePhone(std::string_view phone) {
  std::string out;
  for (char c : phone) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

std::string NormalizeLicenseKey(std::string_view key) {
  std::string out(Trim(key));
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace salesdb
