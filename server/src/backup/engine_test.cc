// The backup engine on real SQLite files: create → verify → restore, the named failure of each kind
// of damage, a full disk through the file-system seam, and the GFS prune of a folder.
#include "security/field_crypto.h"
#include "storage/field_encryption.h"
#include "backup/engine.h"

#include "backup/codec.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "monitoring/metrics.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/seed.h"

namespace salesdb::backup {
namespace {

namespace fs = std::filesystem;

BackupKey Key(unsigned char fill) {
  std::array<unsigned char, 32> k{};
  k.fill(fill);
  return MakeBackupKey(k);
}

// Fails every write once `budget` bytes were written: a disk that fills up.
class FullDiskFileSystem final : public FileSystem {
 public:
  explicit FullDiskFileSystem(uint64_t budget) : budget_(budget) {}
  StatusOr<std::unique_ptr<WritableFile>> Create(const std::string& path, int mode) override {
    auto inner = Posix().Create(path, mode);
    if (!inner.ok()) return inner.status();
    return std::unique_ptr<WritableFile>(new File(std::move(inner).value(), path, *this));
  }
  Status Rename(const std::string& from, const std::string& to) override { return Posix().Rename(from, to); }
  Status Remove(const std::string& path) override { return Posix().Remove(path); }
  Status SyncDir(const std::string& dir) override { return Posix().SyncDir(dir); }

 private:
  class File final : public WritableFile {
   public:
    File(std::unique_ptr<WritableFile> inner, std::string path, FullDiskFileSystem& fs)
        : inner_(std::move(inner)), path_(std::move(path)), fs_(fs) {}
    Status Append(std::string_view data) override {
      if (fs_.written_ + data.size() > fs_.budget_) return FileError("write", path_, ENOSPC);
      fs_.written_ += data.size();
      return inner_->Append(data);
    }
    Status Sync() override { return inner_->Sync(); }
    Status Close() override { return inner_->Close(); }

   private:
    std::unique_ptr<WritableFile> inner_;
    std::string path_;
    FullDiskFileSystem& fs_;
  };
  uint64_t budget_;
  uint64_t written_ = 0;
};

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    dir_ = fs::temp_directory_path().string() + "/salesdb-engine-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_.data_dir = dir_;
    auto db = Database::Open(config_, 2);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(Migrate(**db).ok());
    // The seed seals personal fields like every other write: give it a key ring.
    security::Key32 master{};
    randombytes_buf(master.data(), master.size());
    ring_ = std::make_unique<security::KeyRing>(master);
    bool had_keys = false;
    ASSERT_TRUE(InitFieldKeys(**db, *ring_, 1795392000000, &had_keys).ok());
    SeedOptions seed;
    seed.cipher = ring_.get();
    seed.customers = 150;
    seed.now_ms = 1795392000000;
    seed.demo_password_hash = "not-a-real-hash";
    ASSERT_TRUE(Seed(**db, seed).ok());
    ASSERT_TRUE((*db)->Checkpoint().ok());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::unique_ptr<security::KeyRing> ring_;

  std::unique_ptr<BackupEngine> Engine(unsigned char key = 1, FileSystem& fs = FileSystem::Posix()) {
    BackupSettings s;
    s.dir = dir_ + "/backups";
    s.app_version = "test";
    return std::make_unique<BackupEngine>(config_, s, Key(key), clock_, fs);
  }

  int64_t Count(const std::string& table) {
    sqlite3* db = nullptr;
    sqlite3_open_v2((dir_ + "/salesdb.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + table).c_str(), -1, &st, nullptr);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  void Exec(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open((dir_ + "/salesdb.db").c_str(), &db);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }

  std::vector<std::string> WorkFiles() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_ + "/backups")) {
      std::string n = e.path().filename().string();
      if (n != ".lock" && n.find(".sdbk") == std::string::npos) out.push_back(n);
      if (n.find(".partial") != std::string::npos || n.find(".tmp") != std::string::npos) out.push_back(n);
    }
    return out;
  }

  std::string dir_;
  Config config_;
  ManualClock clock_{1795392000000};
};

TEST_F(EngineTest, CreateWritesAVerifiedPrivateBackupWithItsManifest) {
  auto engine = Engine();
  auto m = engine->Create("manual");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->verification.status, "passed");
  EXPECT_EQ(m->dialect, "sqlite");
  EXPECT_EQ(m->schema_version, LatestSchemaVersion(Dialect::kSqlite));
  EXPECT_EQ(m->key_id, Key(1).id);
  EXPECT_EQ(m->tables.at("customers").rows, Count("customers"));
  EXPECT_EQ(m->tables.at("customers").rows, 150);
  EXPECT_LT(m->file_bytes, m->plain_bytes);
  std::string path = dir_ + "/backups/" + m->file;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((path + ".manifest.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ + "/backups").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_TRUE(WorkFiles().empty());
  auto list = engine->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].verified());
  EXPECT_EQ(engine->NewestVerifiedAt(), m->created_at);
  EXPECT_TRUE(engine->Verify(m->file, true).ok());
  EXPECT_GT(monitoring::Registry::Global().Value("salesdb_backup_last_success_timestamp_seconds"), 0);
}

// Encodes the database file `plain` with Key(1) into the backup file `path` and writes its manifest
// `m` (sizes and checksum filled in), as the engine would have.
bool WriteBackupFile(const std::string& plain, const std::string& path, Manifest& m) {
  auto out = FileSystem::Posix().Create(path, 0600);
  if (!out.ok()) return false;
  const BackupKey key = Key(1);  // the encoder keeps a reference
  Encoder enc(key, **out, 3);
  std::ifstream in(plain, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!enc.Write(data).ok() || !enc.Finish().ok() || !(*out)->Close().ok()) return false;
  m.plain_bytes = enc.plain_bytes();
  m.file_bytes = enc.file_bytes();
  m.sha256 = enc.sha256_hex();
  std::ofstream(path + ".manifest.json") << m.ToJson().dump(2);
  return true;
}

// "type name" of every schema object of the database file at `path`.
std::vector<std::string> SchemaOf(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT type || ' ' || name FROM sqlite_master ORDER BY 1", -1, &st, nullptr);
  std::vector<std::string> out;
  while (sqlite3_step(st) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// The per-table hashes as format 1 defined them (every table but SQLite's own and virtual ones;
// typed values in rowid order), written out again here so the test does not trust the code it tests.
TableDigests Format1Digests(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::vector<std::string> tables;
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                     "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'",
                     -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  TableDigests out;
  for (const auto& t : tables) {
    if (sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\" ORDER BY rowid").c_str(), -1, &st, nullptr) != SQLITE_OK) {
      sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\"").c_str(), -1, &st, nullptr);
    }
    crypto_hash_sha256_state sha;
    crypto_hash_sha256_init(&sha);
    int64_t rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
      ++rows;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        unsigned char type = static_cast<unsigned char>(sqlite3_column_type(st, i));
        crypto_hash_sha256_update(&sha, &type, 1);
        if (type == SQLITE_INTEGER) {
          uint64_t v = static_cast<uint64_t>(sqlite3_column_int64(st, i));
          unsigned char b[8];
          for (int k = 0; k < 8; ++k) b[k] = static_cast<unsigned char>(v >> (8 * k));
          crypto_hash_sha256_update(&sha, b, 8);
        } else if (type == SQLITE_FLOAT) {
          double v = sqlite3_column_double(st, i);
          crypto_hash_sha256_update(&sha, reinterpret_cast<const unsigned char*>(&v), sizeof v);
        } else if (type != SQLITE_NULL) {
          const void* p = type == SQLITE_BLOB ? sqlite3_column_blob(st, i) : sqlite3_column_text(st, i);
          uint32_t n = static_cast<uint32_t>(sqlite3_column_bytes(st, i));
          crypto_hash_sha256_update(&sha, reinterpret_cast<const unsigned char*>(&n), 4);
          if (n > 0) crypto_hash_sha256_update(&sha, static_cast<const unsigned char*>(p), n);
        }
      }
      unsigned char end = 0xff;
      crypto_hash_sha256_update(&sha, &end, 1);
    }
    sqlite3_finalize(st);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&sha, h);
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    out[t] = TableDigest{rows, hex};
  }
  sqlite3_close(db);
  return out;
}

TEST_F(EngineTest, SnapshotLeavesIndexesOutAndRestoreRebuildsThem) {
  const std::string live = dir_ + "/salesdb.db";
  Exec("ANALYZE");  // planner statistics travel with the backup
  const int64_t stats = Count("sqlite_stat1");
  ASSERT_GT(stats, 0);
  const auto schema = SchemaOf(live);
  const std::string fts_hits =
      "customers_fts WHERE customers_fts MATCH "
      "(SELECT '\"' || replace(substr(name, 1, 5), '\"', '\"\"') || '\"' FROM customers ORDER BY id LIMIT 1)";
  const int64_t hits = Count(fts_hits);
  ASSERT_GT(hits, 0);
  auto engine = Engine();
  auto m = engine->Create("manual");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->format_version, 2);
  // The FTS5 index travels with the backup (hashed like any table); the rebuild list does not.
  for (const char* kept : {"customers_fts_config", "customers_fts_data", "customers_fts_idx", "customers_fts_docsize"}) {
    EXPECT_TRUE(m->tables.count(kept)) << kept;
  }
  EXPECT_FALSE(m->tables.count("salesdb_backup_rebuild"));
  EXPECT_EQ(m->tables.at("customers_fts_docsize").rows, Count("customers"));
  // The decoded snapshot holds no secondary index and lists each one for the restore; its FTS5
  // index is complete.
  const std::string plain = dir_ + "/decoded.db";
  {
    std::ofstream out(plain, std::ios::binary);
    ASSERT_TRUE(DecodeFile(dir_ + "/backups/" + m->file, Key(1),
                           [&](std::string_view chunk) {
                             out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                             return Status::Ok();
                           },
                           nullptr)
                    .ok());
  }
  int64_t secondary = 0;
  for (const auto& object : schema) {
    secondary += object.rfind("index ", 0) == 0 && object.find("sqlite_autoindex") == std::string::npos;
  }
  ASSERT_GT(secondary, 10);
  sqlite3* db = nullptr;
  sqlite3_open_v2(plain.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  const std::string counts =
      "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL), "
      "(SELECT count(*) FROM salesdb_backup_rebuild WHERE kind = 'index'), "
      "(SELECT count(*) FROM salesdb_backup_rebuild WHERE kind <> 'index'), "
      "(SELECT count(*) FROM customers_fts_docsize), "
      "(SELECT count(*) FROM " + fts_hits + ")";
  sqlite3_prepare_v2(db, counts.c_str(), -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW) << sqlite3_errmsg(db);
  EXPECT_EQ(sqlite3_column_int64(st, 0), 0);
  EXPECT_EQ(sqlite3_column_int64(st, 1), secondary);
  EXPECT_EQ(sqlite3_column_int64(st, 2), 0);
  EXPECT_EQ(sqlite3_column_int64(st, 3), Count("customers"));
  EXPECT_EQ(sqlite3_column_int64(st, 4), hits);
  sqlite3_finalize(st);
  sqlite3_close(db);

  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(live + suffix);
  clock_.Advance(60'000);
  auto r = engine->Restore(m->file);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(SchemaOf(live), schema);
  EXPECT_EQ(Count(fts_hits), hits);
  Exec("INSERT INTO customers_fts(customers_fts) VALUES ('integrity-check')");  // index = content
  EXPECT_EQ(Count("sqlite_stat1"), stats);
  EXPECT_EQ(Count("pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
  EXPECT_TRUE(WorkFiles().empty());
}

// Snapshots of earlier versions (until 2026-11-26) left the FTS5 index empty and listed its 'rebuild'
// (kind 'fts5') after the indexes; the shadow tables were not hashed. Such a backup still restores
// with a working search index.
TEST_F(EngineTest, RestoresABackupThatLeftTheFts5IndexOut) {
  const std::string live = dir_ + "/salesdb.db";
  const std::string fts_hits =
      "customers_fts WHERE customers_fts MATCH "
      "(SELECT '\"' || replace(substr(name, 1, 5), '\"', '\"\"') || '\"' FROM customers ORDER BY id LIMIT 1)";
  const int64_t hits = Count(fts_hits);
  ASSERT_GT(hits, 0);
  const auto schema = SchemaOf(live);
  auto engine = Engine();
  auto made = engine->Create("manual");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  const std::string plain = dir_ + "/old-layout.db";
  {
    std::ofstream out(plain, std::ios::binary);
    ASSERT_TRUE(DecodeFile(dir_ + "/backups/" + made->file, Key(1),
                           [&](std::string_view chunk) {
                             out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                             return Status::Ok();
                           },
                           nullptr)
                    .ok());
  }
  {
    sqlite3* db = nullptr;
    sqlite3_open(plain.c_str(), &db);
    ASSERT_EQ(sqlite3_exec(db,
                           "INSERT INTO customers_fts(customers_fts) VALUES ('delete-all');"
                           "INSERT INTO salesdb_backup_rebuild (kind, name, sql) VALUES ('fts5', 'customers_fts', "
                           "'INSERT INTO \"customers_fts\"(\"customers_fts\") VALUES (''rebuild'')')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  Manifest m = *made;
  m.id = clock_.NowMs() - 3'600'000;
  m.created_at = m.id;
  m.file = BackupFileName(m.id);
  m.tables = Format1Digests(plain);
  for (const char* derived : {"customers_fts_data", "customers_fts_idx", "customers_fts_docsize", "salesdb_backup_rebuild"}) {
    ASSERT_EQ(m.tables.erase(derived), 1u) << derived;
  }
  ASSERT_TRUE(WriteBackupFile(plain, dir_ + "/backups/" + m.file, m));

  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(live + suffix);
  EXPECT_TRUE(engine->Verify(m.file, false).ok());
  auto r = engine->Restore(m.file);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(SchemaOf(live), schema);
  EXPECT_EQ(Count(fts_hits), hits);
  Exec("INSERT INTO customers_fts(customers_fts) VALUES ('integrity-check')");
  EXPECT_EQ(Count("pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
}

// The snapshot is written table by table (adapter.h): what a page copy kept by itself must be kept
// too. Rowids of a table with neither an INTEGER PRIMARY KEY nor a UNIQUE index (which SQLite's
// transfer optimisation would renumber), AUTOINCREMENT counters, a view, a trigger that fires after
// the restore (and did not fire on the copied rows), a CHECK constraint.
TEST_F(EngineTest, SnapshotKeepsRowidsCountersViewsTriggersAndChecks) {
  const std::string live = dir_ + "/salesdb.db";
  Exec("CREATE TABLE loose (v TEXT CHECK (v <> 'x'));"
       "INSERT INTO loose (rowid, v) VALUES (5, 'five'), (17, 'seventeen'), (40, 'forty');"
       "CREATE TABLE counted (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);"
       "INSERT INTO counted (v) VALUES ('a'), ('b'), ('c'); DELETE FROM counted WHERE v = 'c';"
       "CREATE TABLE fired (n INTEGER);"
       "CREATE TRIGGER loose_ai AFTER INSERT ON loose BEGIN INSERT INTO fired VALUES (new.rowid); END;"
       "CREATE VIEW loose_v AS SELECT rowid AS r, v FROM loose;");
  auto engine = Engine();
  auto m = engine->Create("manual");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const auto schema = SchemaOf(live);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(live + suffix);
  clock_.Advance(60'000);
  auto r = engine->Restore(m->file);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(SchemaOf(live), schema);
  EXPECT_EQ(Count("loose_v WHERE (r, v) IN (VALUES (5, 'five'), (17, 'seventeen'), (40, 'forty'))"), 3);
  EXPECT_EQ(Count("sqlite_sequence WHERE name = 'counted' AND seq = 3"), 1);
  EXPECT_EQ(Count("fired"), 0);
  Exec("INSERT INTO counted (v) VALUES ('d'); INSERT INTO loose (v) VALUES ('new')");
  EXPECT_EQ(Count("counted WHERE id = 4 AND v = 'd'"), 1);
  EXPECT_EQ(Count("fired WHERE n = 41"), 1);
  sqlite3* db = nullptr;
  sqlite3_open(live.c_str(), &db);
  EXPECT_EQ(sqlite3_exec(db, "INSERT INTO loose (v) VALUES ('x')", nullptr, nullptr, nullptr), SQLITE_CONSTRAINT);
  sqlite3_close(db);
}

TEST_F(EngineTest, RestoresAFormat1BackupOfAPageCopy) {
  // A backup as format 1 wrote it: a page copy of the database, indexes and all, in rollback mode.
  const std::string live = dir_ + "/salesdb.db";
  const std::string copy = dir_ + "/page-copy.db";
  {
    sqlite3* src = nullptr;
    sqlite3* dst = nullptr;
    sqlite3_open_v2(live.c_str(), &src, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_open(copy.c_str(), &dst);
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
    ASSERT_EQ(sqlite3_backup_step(b, -1), SQLITE_DONE);
    sqlite3_backup_finish(b);
    ASSERT_EQ(sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(dst);
    sqlite3_close(src);
  }
  Manifest m;
  m.format_version = 1;
  m.id = clock_.NowMs() - 3'600'000;
  m.created_at = m.id;
  m.file = BackupFileName(m.id);
  m.dialect = "sqlite";
  m.schema_version = LatestSchemaVersion(Dialect::kSqlite);
  m.key_id = Key(1).id;
  m.reason = "manual";
  m.tables = Format1Digests(copy);
  ASSERT_TRUE(m.tables.count("customers_fts_data"));
  m.verification = Outcome{"passed", m.id, "", ""};
  fs::create_directories(dir_ + "/backups");
  ASSERT_TRUE(WriteBackupFile(copy, dir_ + "/backups/" + m.file, m));
  const auto schema = SchemaOf(live);
  const int64_t activities = Count("activities");
  Exec("DELETE FROM activities");

  auto engine = Engine();
  EXPECT_TRUE(engine->Verify(m.file, false).ok());
  auto r = engine->Restore(m.file);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Count("activities"), activities);
  EXPECT_EQ(SchemaOf(live), schema);
  EXPECT_EQ(Count("pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
}

class DamageTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    engine_ = Engine();
    auto m = engine_->Create("manual");
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    path_ = dir_ + "/backups/" + m->file;
  }
  std::string Verify() {
    auto v = engine_->Verify(path_, false);
    return v.ok() ? "ok" : v.status().slug();
  }
  void EditFile(const std::function<void(std::string&)>& edit, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    edit(data);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  }
  std::unique_ptr<BackupEngine> engine_;
  std::string path_;
};

TEST_F(DamageTest, TruncatedFileIsNamed) {
  fs::resize_file(path_, fs::file_size(path_) / 2);
  EXPECT_EQ(Verify(), "truncated");
}

TEST_F(DamageTest, FlippedBitIsNamed) {
  EditFile([](std::string& d) { d[d.size() / 2] ^= 0x10; }, path_);
  EXPECT_EQ(Verify(), "checksum");
}

TEST_F(DamageTest, FlippedBitWithAMatchingForgedChecksumFailsAuthentication) {
  EditFile([](std::string& d) { d[d.size() / 2] ^= 0x10; }, path_);
  uint64_t size = 0;
  auto sha = FileSha256(path_, &size);
  ASSERT_TRUE(sha.ok());
  EditFile([&](std::string& d) {
    auto j = nlohmann::json::parse(d);
    j["sha256"] = *sha;
    d = j.dump();
  }, path_ + ".manifest.json");
  EXPECT_EQ(Verify(), "damaged");
}

TEST_F(DamageTest, WrongKeyIsNamed) {
  auto other = Engine(2);
  auto v = other->Verify(path_, false);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().slug(), "wrong-key");
  EXPECT_NE(v.status().message().find(Key(1).id), std::string::npos) << v.status().message();
}

TEST_F(DamageTest, ManifestMismatchIsNamed) {
  EditFile([](std::string& d) {
    auto j = nlohmann::json::parse(d);
    j["tables"]["customers"]["rows"] = j["tables"]["customers"]["rows"].get<int64_t>() + 1;
    d = j.dump();
  }, path_ + ".manifest.json");
  EXPECT_EQ(Verify(), "manifest-mismatch");
  auto v = engine_->Verify(path_, false);
  EXPECT_NE(v.status().message().find("customers"), std::string::npos) << v.status().message();
}

TEST_F(DamageTest, MissingManifestIsNamed) {
  fs::remove(path_ + ".manifest.json");
  EXPECT_EQ(Verify(), "manifest");
}

TEST_F(DamageTest, RecordedFailureShowsInTheList) {
  fs::resize_file(path_, 100);
  EXPECT_FALSE(engine_->Verify(path_, true).ok());
  auto list = engine_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].manifest.verification.status, "failed");
  EXPECT_EQ((*list)[0].manifest.verification.check, "truncated");
}

TEST_F(EngineTest, FullDiskLeavesNoPartialFileAndCountsAFailure) {
  auto& metrics = monitoring::Registry::Global();
  double failures = metrics.Value("salesdb_backup_failures_total");
  FullDiskFileSystem full(20000);
  auto engine = Engine(1, full);
  auto m = engine->Create("manual");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kResourceExhausted) << m.status().ToString();
  EXPECT_NE(m.status().message().find("No space left on device"), std::string::npos) << m.status().message();
  EXPECT_TRUE(WorkFiles().empty());
  auto list = engine->List();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  EXPECT_EQ(metrics.Value("salesdb_backup_failures_total"), failures + 1);
  EXPECT_EQ(Count("customers"), 150);
}

TEST_F(EngineTest, RestoreBringsBackTheDataTakesASafetyBackupAndRefusesNewerSchemas) {
  auto engine = Engine();
  auto m = engine->Create("manual");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  Exec("PRAGMA foreign_keys = OFF; DELETE FROM activities; DELETE FROM customers WHERE id % 2 = 0;");
  ASSERT_LT(Count("customers"), 150);
  clock_.Advance(60'000);
  auto r = engine->Restore(m->file);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Count("customers"), 150);
  EXPECT_EQ(Count("activities"), m->tables.at("activities").rows);
  EXPECT_FALSE(r->safety_backup.empty());
  // The damaged database (foreign keys broken above) is kept, marked as failing its check.
  EXPECT_NE(r->safety_backup_warning.find("foreign_key_check"), std::string::npos) << r->safety_backup_warning;
  EXPECT_TRUE(fs::exists(dir_ + "/backups/" + r->safety_backup + ".manifest.json"));
  // A new backup of the restored database hashes exactly like the original.
  clock_.Advance(60'000);
  auto again = engine->Create("manual");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->tables, m->tables);

  std::string manifest_path = dir_ + "/backups/" + m->file + ".manifest.json";
  std::ifstream in(manifest_path);
  auto j = nlohmann::json::parse(in);
  in.close();
  j["schema_version"] = 999;
  std::ofstream(manifest_path, std::ios::trunc) << j.dump();
  auto refused = engine->Restore(m->file);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("newer"), std::string::npos) << refused.status().message();
}

TEST_F(EngineTest, RestoreRefusesADamagedBackupAndLeavesTheDatabaseAlone) {
  auto engine = Engine();
  auto m = engine->Create("manual");
  ASSERT_TRUE(m.ok());
  Exec("DELETE FROM activities");
  fs::resize_file(dir_ + "/backups/" + m->file, 1000);
  auto r = engine->Restore(m->file);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().slug(), "truncated");
  EXPECT_EQ(Count("activities"), 0);
  EXPECT_EQ(Count("customers"), 150);
}

// Online restore: the server's own Database stays open; the hooks stand for main.cc's wiring.
class OnlineRestoreTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    engine_ = Engine();
    auto m = engine_->Create("manual");
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    backup_ = *m;
    auto db = Database::Open(config_, 2);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    // Changed after the backup, through the live connections.
    ASSERT_TRUE(db_->Write([](soci::session& s) {
                     s << "DELETE FROM activities";
                     return Status::Ok();
                   }).ok());
    ASSERT_EQ(LiveCount("activities"), 0);
    hooks_.db = db_.get();
    hooks_.enter_maintenance = [this] {
      calls_.push_back("maintenance");
      return Status::Ok();
    };
    hooks_.around_swap = [this](const std::function<Status()>& swap) {
      calls_.push_back("swap");
      return swap();
    };
    hooks_.after_replace = [this] {
      calls_.push_back("after");
      return Status::Ok();
    };
    clock_.Advance(60'000);
  }
  void TearDown() override {
    db_.reset();
    EngineTest::TearDown();
  }
  // Through the server's reader pool.
  int64_t LiveCount(const std::string& table) {
    int64_t n = -1;
    Status st = db_->Read([&](soci::session& s) {
      s << "SELECT count(*) FROM " + table, soci::into(n);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return n;
  }
  std::unique_ptr<BackupEngine> engine_;
  Manifest backup_;
  std::unique_ptr<Database> db_;
  OnlineRestoreHooks hooks_;
  std::vector<std::string> calls_;
};

TEST_F(OnlineRestoreTest, ReplacesTheLiveDatabaseThroughTheServersConnections) {
  auto r = engine_->RestoreOnline(backup_.file, hooks_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(calls_, (std::vector<std::string>{"maintenance", "swap", "after"}));
  EXPECT_EQ(LiveCount("activities"), backup_.tables.at("activities").rows);
  EXPECT_GT(r->duration_ms, -1);
  // The safety backup holds the state that was replaced, and verifies.
  ASSERT_FALSE(r->safety_backup.empty());
  auto safety = engine_->Verify(r->safety_backup, false);
  ASSERT_TRUE(safety.ok()) << safety.status().ToString();
  EXPECT_EQ(safety->reason, "pre-restore");
  EXPECT_EQ(safety->tables.at("activities").rows, 0);
  // Still in WAL mode and writable through the writer connection.
  std::string mode;
  ASSERT_TRUE(db_->Read([&](soci::session& s) {
                   s << "PRAGMA journal_mode", soci::into(mode);
                   return Status::Ok();
                 }).ok());
  EXPECT_EQ(mode, "wal");
  ASSERT_TRUE(db_->Write([](soci::session& s) {
                   s << "DELETE FROM activities WHERE id = (SELECT min(id) FROM activities)";
                   return Status::Ok();
                 }).ok());
  EXPECT_EQ(LiveCount("activities"), backup_.tables.at("activities").rows - 1);
}

TEST_F(OnlineRestoreTest, PutsThePreviousDatabaseBackWhenTheRestoredOneFails) {
  hooks_.after_replace = [this] {
    calls_.push_back("after");
    return FailedPrecondition("wrong master key");
  };
  auto r = engine_->RestoreOnline(backup_.file, hooks_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("put back"), std::string::npos) << r.status().message();
  EXPECT_EQ(LiveCount("activities"), 0);
  EXPECT_EQ(LiveCount("customers"), 150);
}

TEST_F(OnlineRestoreTest, ChangesNothingWhenMaintenanceCannotStart) {
  hooks_.enter_maintenance = [] { return Unavailable("requests still running"); };
  auto r = engine_->RestoreOnline(backup_.file, hooks_);
  ASSERT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(LiveCount("activities"), 0);
  auto list = engine_->List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);  // no safety backup either
  EXPECT_TRUE(WorkFiles().empty());
}

TEST_F(EngineTest, PruneKeepsTheGfsSetAndCleansUpIncompleteFiles) {
  auto engine = Engine();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(engine->Create("scheduled").ok());
    clock_.Advance(10 * kMsPerMinute);  // all in one hour: only the newest survives the hourly tier
  }
  std::ofstream(dir_ + "/backups/salesdb-20200101T000000Z-1577836800000.sdbk") << "cut off";
  std::ofstream(dir_ + "/backups/x.sdbk.partial") << "cut off";
  auto report = engine->Prune();
  ASSERT_TRUE(report.ok());
  auto list = engine->List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
  EXPECT_EQ(report->deleted.size(), 3u);
  EXPECT_TRUE(WorkFiles().empty());
  EXPECT_FALSE(fs::exists(dir_ + "/backups/salesdb-20200101T000000Z-1577836800000.sdbk"));
}

TEST_F(EngineTest, CopyDirTargetReceivesVerifiedBackupsAndRetention) {
  BackupSettings s;
  s.dir = dir_ + "/backups";
  s.offsite.copy_dir = dir_ + "/offsite";
  auto engine = std::make_unique<BackupEngine>(config_, s, Key(1), clock_);
  auto m = engine->Create("manual");
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(engine->CopyOffsite(m->file).ok());
  EXPECT_EQ(fs::file_size(dir_ + "/offsite/" + m->file), m->file_bytes);
  EXPECT_TRUE(fs::exists(dir_ + "/offsite/" + m->file + ".manifest.json"));
  auto list = engine->List();
  EXPECT_EQ((*list)[0].manifest.offsite.at("copy_dir").status, "confirmed");
}

TEST_F(EngineTest, FailedOffsiteCopyIsRetriedRecordedAndKeepsTheLocalBackup) {
  BackupSettings s;
  s.dir = dir_ + "/backups";
  s.offsite.s3_endpoint = "http://127.0.0.1:9";  // discard port: nothing listens
  s.offsite.s3_bucket = "b";
  s.offsite.s3_access_key = "k";
  s.offsite.s3_secret_key = "s";
  s.offsite.retries = 3;
  s.retention = RetentionPolicy{1, 0, 0, 0};
  auto engine = std::make_unique<BackupEngine>(config_, s, Key(1), clock_);
  std::vector<int64_t> sleeps;
  engine->SetSleeper([&](int64_t ms) { sleeps.push_back(ms); });
  double failures = monitoring::Registry::Global().Value("salesdb_backup_failures_total");
  auto m = engine->Create("manual");
  ASSERT_TRUE(m.ok());
  clock_.Advance(kMsPerHour * 2);
  ASSERT_TRUE(engine->Create("manual").ok());
  Status st = engine->CopyOffsite(m->file);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_EQ(sleeps, (std::vector<int64_t>{1000, 2000, 4000}));
  EXPECT_EQ(monitoring::Registry::Global().Value("salesdb_backup_failures_total"), failures + 1);
  auto list = engine->List();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].manifest.offsite.at("s3").status, "failed");
  // Retention keeps only the newest, but the older one stays until its off-site copy is confirmed.
  auto report = engine->Prune();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->deleted.empty());
  EXPECT_EQ(report->kept_unconfirmed, std::vector<std::string>{m->file});
  EXPECT_EQ(engine->List()->size(), 2u);
}

}  // namespace
}  // namespace salesdb::backup
