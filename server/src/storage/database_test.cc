// The SQLite WAL is checkpointed by the database's own checkpointer thread (the writer connection's
// automatic checkpoints are off): committed pages reach the main database file without any
// checkpoint being asked for.
#include "storage/database.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

namespace salesdb {
namespace {

TEST(DatabaseTest, BackgroundCheckpointMovesCommittedPagesIntoTheMainFile) {
  auto dir = std::filesystem::temp_directory_path() / ("salesdb-ckpt-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  {
    Config config;
    config.data_dir = dir.string();
    auto db = Database::Open(config, 2);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)->Exclusive([](soci::session& s) {
      s << "CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)";
      return Status::Ok();
    }).ok());
    // 48 commits of 256 KiB: about 3,000 pages, many times the checkpoint threshold.
    for (int i = 0; i < 48; ++i) {
      ASSERT_TRUE((*db)->Write([](soci::session& s) {
        s << "INSERT INTO blobs (data) SELECT randomblob(16384) FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 "
             "UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL "
             "SELECT 9 UNION ALL SELECT 10 UNION ALL SELECT 11 UNION ALL SELECT 12 UNION ALL SELECT 13 UNION ALL "
             "SELECT 14 UNION ALL SELECT 15 UNION ALL SELECT 16)";
        return Status::Ok();
      }).ok());
    }
    // The main file grows only through checkpoints. Polled: the checkpointer runs on its own thread
    // (the bound only keeps a broken build from hanging).
    auto main_file = dir / "salesdb.db";
    uintmax_t size = 0;
    for (int i = 0; i < 1000 && size < 4u * 1024 * 1024; ++i) {
      size = std::filesystem::file_size(main_file);
      if (size < 4u * 1024 * 1024) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_GE(size, 4u * 1024 * 1024);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace salesdb
