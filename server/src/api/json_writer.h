// JsonWriter: renders a response body straight into a string (RapidJSON's Writer), without
// building a document first. Used for the hot answers (list pages, the customer detail): building
// an nlohmann::json per row and dumping it was most of those routes' CPU. Entities come through
// their VisitFields (domain/entity_json.h), so each field list exists once.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <vector>

#include "domain/entity_json.h"

namespace salesdb::api {

class JsonWriter {
 public:
  // The buffer starts at 32 KiB, the size of a 50-row page: growing it by doubling from RapidJSON's
  // 256 bytes was seven reallocations and copies per page.
  JsonWriter() : buffer_(nullptr, 32 * 1024), writer_(buffer_) {}

  void StartObject() { writer_.StartObject(); }
  void EndObject() { writer_.EndObject(); }
  void StartArray() { writer_.StartArray(); }
  void EndArray() { writer_.EndArray(); }
  void Key(const char* key) { writer_.Key(key); }

  void Field(const char* key, int64_t v) {
    Key(key);
    writer_.Int64(v);
  }
  void Field(const char* key, int v) {
    Key(key);
    writer_.Int(v);
  }
  void Field(const char* key, bool v) {
    Key(key);
    writer_.Bool(v);
  }
  void Field(const char* key, std::nullptr_t) { Key(key), writer_.Null(); }
  void Field(const char* key, const std::string& v) {
    Key(key);
    String(v);
  }
  void Field(const char* key, const std::vector<std::string>& v) {
    Key(key);
    writer_.StartArray();
    for (const auto& s : v) String(s);
    writer_.EndArray();
  }
  void String(const std::string& v) { writer_.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }

  // {…} of an entity with VisitFields.
  template <typename T>
  void Object(const T& entity) {
    writer_.StartObject();
    VisitFields(*this, entity);
    writer_.EndObject();
  }
  // "key": [{…}, …]
  template <typename T>
  void Array(const char* key, const std::vector<T>& rows) {
    Key(key);
    writer_.StartArray();
    for (const auto& row : rows) Object(row);
    writer_.EndArray();
  }

  std::string Take() { return std::string(buffer_.GetString(), buffer_.GetSize()); }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace salesdb::api
