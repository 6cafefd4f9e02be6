// SqlStore: the domain's Store on a Database (SQLite or PostgreSQL).
#pragma once

#include <memory>

#include "domain/field_cipher.h"
#include "domain/store.h"
#include "storage/database.h"
#include "storage/user_names.h"

namespace salesdb {

class SqlStore final : public Store {
 public:
  // `cipher` seals the encrypted columns; without one, reads and writes of contacts, licences and
  // activities fail (FailedPrecondition) rather than touch plaintext.
  explicit SqlStore(Database& db, FieldCipher* cipher = nullptr) : db_(db), cipher_(cipher) {}
  Status Read(const std::function<Status(Tx&)>& fn) override;
  Status Write(const std::function<Status(Tx&)>& fn) override;
  uint64_t generation() const override { return db_.generation(); }
  std::optional<uint64_t> ChangeStamp(uint32_t tables) const override { return db_.ChangeStamp(tables); }
  void MarkAllChanged() override { db_.MarkChanged(kAllChangedTables); }
  bool is_postgres() const override { return db_.dialect() == Dialect::kPostgres; }
  Database& database() { return db_; }

 private:
  Database& db_;
  FieldCipher* cipher_;
  UserNames names_{db_};
};

}  // namespace salesdb
