// TestDatabase, for unit tests: a migrated SQLite database and its SqlStore in a fresh temporary
// folder, removed again with the object. Declare it before the members that use its store, so that
// they go first. status() says whether opening and migrating worked.
#pragma once

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "base/config.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/sql_store.h"

namespace salesdb {

class TestDatabase {
 public:
  explicit TestDatabase(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() /
             ("salesdb-" + name + "-" + std::to_string(std::random_device{}()))) {
    std::filesystem::create_directories(dir_);
    Config config;
    config.data_dir = dir_.string();
    auto db = Database::Open(config, 2);
    if (!db.ok()) {
      status_ = db.status();
      return;
    }
    db_ = std::move(db).value();
    if (auto migrated = Migrate(*db_); !migrated.ok()) {
      status_ = migrated.status();
      return;
    }
    store_ = std::make_unique<SqlStore>(*db_);
  }
  ~TestDatabase() {
    store_.reset();
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const Status& status() const { return status_; }
  // The data folder: another Database opened on it shares the SQLite file (like a CLI process).
  std::string dir() const { return dir_.string(); }
  Database& db() { return *db_; }
  SqlStore& store() { return *store_; }

 private:
  std::filesystem::path dir_;
  Status status_ = Status::Ok();
  std::unique_ptr<Database> db_;
  std::unique_ptr<SqlStore> store_;
};

}  // namespace salesdb
