#include "storage/field_encryption.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <stdexcept>

#include "base/log.h"
#include "storage/sql_query.h"

namespace salesdb {
namespace {

using ll = long long;

constexpr char kSelectKeys[] = "SELECT kind, version, state, wrapped, created_at FROM encryption_keys";
constexpr char kInsertKey[] =
    "INSERT INTO encryption_keys (kind, version, state, wrapped, created_at) VALUES (:kind, :version, :state, "
    ":wrapped, :ca)";
constexpr char kActiveDataKey[] = "SELECT version FROM encryption_keys WHERE kind = 'data' AND state = 'active'";
constexpr char kRetiringDataKeys[] = "SELECT version FROM encryption_keys WHERE kind = 'data' AND state = 'retiring'";
constexpr char kMaxDataKey[] = "SELECT COALESCE(MAX(version), 0) FROM encryption_keys WHERE kind = 'data'";
constexpr char kRetireActive[] =
    "UPDATE encryption_keys SET state = 'retiring' WHERE kind = 'data' AND state = 'active'";
constexpr char kRetireRetiring[] =
    "UPDATE encryption_keys SET state = 'retired' WHERE kind = 'data' AND state = 'retiring'";
// PostgreSQL: writers hold this advisory lock shared while they seal; a rotation holds it
// exclusively while it switches the active key.
constexpr char kPgSharedKeyLock[] = "SELECT 1 FROM (SELECT pg_advisory_xact_lock_shared(727001)) l";
constexpr char kPgExclusiveKeyLock[] = "SELECT 1 FROM (SELECT pg_advisory_xact_lock(727001)) l";
// PostgreSQL: ids a writer draws from a sequence at once (NewRowId).
constexpr size_t kIdsDrawnAtOnce = 32;

std::vector<WrappedKey> LoadKeys(soci::session& s) {
  std::vector<WrappedKey> out;
  WrappedKey w;
  ll version = 0, ca = 0;
  Query q(s, kSelectKeys);
  q.Into(w.kind).Into(version).Into(w.state).Into(w.wrapped).Into(ca);
  q.Each([&] {
    w.version = version;
    w.created_at = ca;
    out.push_back(w);
  });
  return out;
}

void InsertKey(soci::session& s, const WrappedKey& w) {
  Query q(s, kInsertKey);
  q.Bind("kind", w.kind).Bind("version", static_cast<ll>(w.version)).Bind("state", w.state)
      .Bind("wrapped", w.wrapped).Bind("ca", static_cast<ll>(w.created_at));
  q.Exec();
}

std::string Normalized(const EncryptedColumn& c, const std::string& v) { return c.normalize ? c.normalize(v) : v; }

std::string Identity(std::string_view v) { return std::string(v); }

int64_t CountBelow(soci::session& s, const EncryptedTable& t, int64_t target) {
  ll n = 0;
  Query q(s, std::string("SELECT COUNT(*) FROM ") + t.table + " WHERE key_version < :t");
  q.Bind("t", static_cast<ll>(target)).Into(n);
  q.One();
  return n;
}

}  // namespace

Status EnsureKey(soci::session& s, FieldCipher& cipher, int64_t version) {
  if (cipher.HasKey(version)) return Status::Ok();
  RETURN_IF_ERROR(cipher.AddKeys(LoadKeys(s)));
  if (!cipher.HasKey(version)) return Internal("data key " + std::to_string(version) + " does not exist");
  return Status::Ok();
}

const std::vector<EncryptedTable>& EncryptedTables() {
  static const std::vector<EncryptedTable> kTables = {
      {"contacts",
       {{"email", "email_bidx", "contacts.email", &NormalizeEmail},
        {"phone", "phone_bidx", "contacts.phone", &NormalizePhone}}},
      {"licenses", {{"license_key", "key_bidx", "licenses.license_key", &NormalizeLicenseKey}}},
      {"activities", {{"body", nullptr, nullptr, &Identity}}},
  };
  return kTables;
}

const EncryptedTable& EncryptedTableNamed(const std::string& table) {
  for (const auto& t : EncryptedTables()) {
    if (table == t.table) return t;
  }
  throw std::logic_error("not an encrypted table: " + table);
}

StatusOr<std::vector<ll>> ReserveIds(soci::session& s, Dialect d, const std::string& table, size_t n) {
  std::vector<ll> ids;
  if (n == 0) return ids;
  if (d == Dialect::kSqlite) {
    ll max = 0;
    Query q(s, "SELECT COALESCE(MAX(id), 0) FROM " + table);
    q.Into(max);
    q.One();
    ids.resize(n);
    for (size_t i = 0; i < n; ++i) ids[i] = max + 1 + static_cast<ll>(i);
    return ids;
  }
  ids.resize(n);
  Query q(s, "SELECT nextval(pg_get_serial_sequence('" + table + "', 'id')) FROM generate_series(1, :n)");
  q.Bind("n", static_cast<ll>(n)).Into(ids);
  q.One();
  if (ids.size() != n) return Internal("could not reserve ids for " + table);
  return ids;
}

StatusOr<int64_t> NewRowId(soci::session& s, Dialect d, WriterState* writer, const std::string& table) {
  if (d == Dialect::kSqlite || writer == nullptr) {
    ASSIGN_OR_RETURN(std::vector<ll> ids, ReserveIds(s, d, table, 1));
    return static_cast<int64_t>(ids[0]);
  }
  std::vector<int64_t>& spare = writer->spare_ids[table];
  if (spare.empty()) {
    ASSIGN_OR_RETURN(std::vector<ll> ids, ReserveIds(s, d, table, kIdsDrawnAtOnce));
    spare.assign(ids.rbegin(), ids.rend());
  }
  int64_t id = spare.back();
  spare.pop_back();
  return id;
}

StatusOr<int64_t> ActiveKeyVersion(soci::session& s, Dialect d) {
  if (d == Dialect::kPostgres) Query(s, kPgSharedKeyLock).Defer();  // taken before the read below starts
  // Under READ COMMITTED a statement that waited for the rotation's switch may not see the new
  // row yet; a second statement does.
  for (int attempt = 0; attempt < 2; ++attempt) {
    ll v = 0;
    Query q(s, kActiveDataKey);
    q.Into(v);
    if (q.One()) return static_cast<int64_t>(v);
  }
  return FailedPrecondition("no active data key: the field encryption keys are not set up");
}

StatusOr<int64_t> SealingKeyVersion(soci::session& s, Dialect d, WriterState* writer) {
  if (writer != nullptr && writer->key_version != 0) return writer->key_version;
  ASSIGN_OR_RETURN(int64_t version, ActiveKeyVersion(s, d));
  if (writer != nullptr) writer->key_version = version;
  return version;
}

StatusOr<std::vector<SealedColumn>> SealRow(const FieldCipher& cipher, const EncryptedTable& t, int64_t key_version,
                                            int64_t id, const std::vector<std::string>& plaintexts) {
  std::vector<SealedColumn> out(t.columns.size());
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const EncryptedColumn& c = t.columns[i];
    ASSIGN_OR_RETURN(out[i].value, cipher.Encrypt(key_version, t.table, c.column, id, plaintexts[i]));
    if (c.bidx_column) out[i].blind_index = cipher.BlindIndex(c.bidx_space, Normalized(c, plaintexts[i]));
  }
  return out;
}

StatusOr<std::vector<SealedAssignment>> BindSealed(soci::session& s, FieldCipher& cipher, const EncryptedTable& t,
                                                   int64_t key_version, int64_t id,
                                                   const std::vector<std::string>& plaintexts, Query& q) {
  RETURN_IF_ERROR(EnsureKey(s, cipher, key_version));
  ASSIGN_OR_RETURN(std::vector<SealedColumn> sealed, SealRow(cipher, t, key_version, id, plaintexts));
  std::vector<SealedAssignment> out = {{"key_version", ":kv"}};
  q.Bind("kv", static_cast<ll>(key_version));
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const EncryptedColumn& c = t.columns[i];
    const std::string n = std::to_string(i);
    out.push_back({c.column, ":v" + n});
    q.Bind("v" + n, std::move(sealed[i].value));
    if (c.bidx_column) {
      out.push_back({c.bidx_column, ":b" + n});
      q.Bind("b" + n, static_cast<ll>(sealed[i].blind_index));
    }
  }
  return out;
}

StatusOr<long long> WriteSealed(soci::session& s, FieldCipher& cipher, const EncryptedTable& t, int64_t id,
                                const std::vector<std::string>& plaintexts, int64_t key_version,
                                int64_t expect_key_version) {
  Query q(s);
  ASSIGN_OR_RETURN(std::vector<SealedAssignment> sealed, BindSealed(s, cipher, t, key_version, id, plaintexts, q));
  std::string sql = std::string("UPDATE ") + t.table + " SET ";
  for (size_t i = 0; i < sealed.size(); ++i) sql += (i ? ", " : "") + sealed[i].column + " = " + sealed[i].placeholder;
  sql += " WHERE id = :id";
  q.Bind("id", static_cast<ll>(id));
  if (expect_key_version >= 0) {
    sql += " AND key_version = :oldkv";
    q.Bind("oldkv", static_cast<ll>(expect_key_version));
  }
  q.Sql(sql);
  return q.Exec();
}

Status OpenSealed(soci::session& s, FieldCipher& cipher, const char* table, const char* column, int64_t id,
                  std::string* value) {
  int64_t v = cipher.KeyVersionOf(*value);
  if (v > 0 && !cipher.HasKey(v)) {
    Status loaded = cipher.AddKeys(LoadKeys(s));
    if (!loaded.ok()) return loaded;
  }
  auto opened = cipher.Decrypt(table, column, id, *value);
  if (!opened.ok()) {
    // Names the row, never the value.
    log::Error("encrypted value failed its integrity check", {{"table", table}, {"column", column}, {"id", id}});
    value->clear();
    return opened.status();
  }
  *value = std::move(opened).value();
  return Status::Ok();
}

StatusOr<bool> HasFieldKeys(Database& db) {
  bool has = false;
  RETURN_IF_ERROR(db.Read([&](soci::session& s) {
    has = !LoadKeys(s).empty();
    return Status::Ok();
  }));
  return has;
}

Status InitFieldKeys(Database& db, FieldCipher& cipher, int64_t now, bool* had_keys) {
  return db.Write([&](soci::session& s) {
    std::vector<WrappedKey> keys = LoadKeys(s);
    *had_keys = !keys.empty();
    if (keys.empty()) {
      WrappedKey check;
      check.kind = "check";
      check.version = 1;
      check.state = "active";
      check.wrapped = cipher.KeyCheckValue();
      check.created_at = now;
      InsertKey(s, check);
      ASSIGN_OR_RETURN(WrappedKey index, cipher.NewKey("index", 1, now));
      ASSIGN_OR_RETURN(WrappedKey data, cipher.NewKey("data", 1, now));
      InsertKey(s, index);
      InsertKey(s, data);
      return cipher.AddKeys({index, data});
    }
    for (const auto& k : keys) {
      if (k.kind == "check" && k.wrapped != cipher.KeyCheckValue()) {
        return FailedPrecondition(
            "wrong master key: it does not match the key that protects this database (key check value differs)");
      }
    }
    return cipher.AddKeys(keys);
  });
}

StatusOr<KeyStatus> GetKeyStatus(Database& db) {
  KeyStatus st;
  RETURN_IF_ERROR(db.Read([&](soci::session& s) {
    ll v = 0;
    Query a(s, kActiveDataKey);
    a.Into(v);
    if (!a.One()) return FailedPrecondition("no active data key");
    st.active_version = v;
    Query r(s, kRetiringDataKeys);
    r.Into(v);
    r.Each([&] { st.retiring.push_back(v); });
    for (const auto& t : EncryptedTables()) {
      st.rows_left += CountBelow(s, t, st.active_version);
      st.plaintext_rows += CountBelow(s, t, 1);
    }
    return Status::Ok();
  }));
  return st;
}

StatusOr<int64_t> BeginRotation(Database& db, FieldCipher& cipher, int64_t now, bool* resumed) {
  int64_t target = 0;
  RETURN_IF_ERROR(db.Write([&](soci::session& s) {
    if (db.dialect() == Dialect::kPostgres) {
      int one = 0;
      Query lock(s, kPgExclusiveKeyLock);
      lock.Into(one);
      lock.One();
    }
    ll v = 0;
    Query r(s, kRetiringDataKeys);
    r.Into(v);
    *resumed = r.One();
    if (*resumed) {
      Query a(s, kActiveDataKey);
      a.Into(v);
      if (!a.One()) return FailedPrecondition("a rotation is unfinished but no data key is active");
      target = v;
      return EnsureKey(s, cipher, target);
    }
    Query m(s, kMaxDataKey);
    m.Into(v);
    m.One();
    target = v + 1;
    ASSIGN_OR_RETURN(WrappedKey k, cipher.NewKey("data", target, now));
    Query retire(s, kRetireActive);
    retire.Exec();
    InsertKey(s, k);
    return cipher.AddKeys({k});
  }));
  return target;
}

StatusOr<BatchResult> ReencryptBatch(Database& db, FieldCipher& cipher, const EncryptedTable& t, int64_t below,
                                     int64_t target, int64_t after_id, int limit) {
  BatchResult out;
  RETURN_IF_ERROR(db.Write([&](soci::session& s) {
    out = BatchResult{};
    struct Row {
      int64_t id, key_version;
      std::vector<std::string> values;
    };
    std::vector<Row> rows;
    std::string sql = "SELECT id, key_version";
    for (const auto& c : t.columns) sql += std::string(", ") + c.column;
    sql += std::string(" FROM ") + t.table + " WHERE key_version < :t AND id > :after ORDER BY id LIMIT :lim";
    Query q(s, sql);
    q.Bind("t", static_cast<ll>(below)).Bind("after", static_cast<ll>(after_id)).Bind("lim", static_cast<ll>(limit));
    ll id = 0, kv = 0;
    std::array<std::string, 4> vals;
    q.Into(id).Into(kv);
    for (size_t i = 0; i < t.columns.size(); ++i) q.Into(vals[i]);
    q.Each([&] {
      rows.push_back(Row{id, kv, std::vector<std::string>(vals.begin(), vals.begin() + t.columns.size())});
    });
    for (auto& row : rows) {
      if (row.key_version > 0) {  // 0: plaintext from before migration 0002
        for (size_t i = 0; i < t.columns.size(); ++i) {
          RETURN_IF_ERROR(OpenSealed(s, cipher, t.table, t.columns[i].column, row.id, &row.values[i]));
        }
      }
      // Compare-and-set on the key version: a concurrent write already sealed the row under the
      // active key and wins.
      ASSIGN_OR_RETURN(long long n, WriteSealed(s, cipher, t, row.id, row.values, target, row.key_version));
      out.rewritten += n;
      out.last_id = row.id;
      for (auto& v : row.values) sodium_memzero(v.data(), v.size());
    }
    return Status::Ok();
  }));
  return out;
}

Status FinishRotation(Database& db) {
  return db.Write([&](soci::session& s) {
    ll v = 0;
    Query a(s, kActiveDataKey);
    a.Into(v);
    if (!a.One()) return FailedPrecondition("no active data key");
    for (const auto& t : EncryptedTables()) {
      if (CountBelow(s, t, v) > 0) return FailedPrecondition(std::string("rows of ") + t.table + " are left");
    }
    Query r(s, kRetireRetiring);
    r.Exec();
    return Status::Ok();
  });
}

StatusOr<int64_t> ReencryptAll(Database& db, FieldCipher& cipher, int batch_size, int max_batches,
                               const std::function<void(int64_t, int64_t)>& progress, bool plaintext_only) {
  ASSIGN_OR_RETURN(KeyStatus st, GetKeyStatus(db));
  const int64_t below = plaintext_only ? 1 : st.active_version;
  int64_t left = plaintext_only ? st.plaintext_rows : st.rows_left, done = 0;
  int batches = 0;
  // Passes until one finds nothing: rows written under an old key while a pass ran are caught by
  // the next one (PostgreSQL's key lock makes that empty; SQLite serializes writers anyway).
  for (;;) {
    int64_t pass = 0;
    for (const auto& t : EncryptedTables()) {
      int64_t after = 0;
      for (;;) {
        if (max_batches > 0 && batches >= max_batches) {
          ASSIGN_OR_RETURN(KeyStatus now, GetKeyStatus(db));
          return plaintext_only ? now.plaintext_rows : now.rows_left;
        }
        ASSIGN_OR_RETURN(BatchResult b, ReencryptBatch(db, cipher, t, below, st.active_version, after, batch_size));
        ++batches;
        if (b.last_id == 0) break;
        after = b.last_id;
        pass += b.rewritten;
        done += b.rewritten;
        left = std::max<int64_t>(0, left - b.rewritten);
        if (progress) progress(done, left);
      }
    }
    if (pass == 0) break;
  }
  ASSIGN_OR_RETURN(KeyStatus end, GetKeyStatus(db));
  if (plaintext_only) return end.plaintext_rows;
  if (end.rows_left == 0) RETURN_IF_ERROR(FinishRotation(db));
  return end.rows_left;
}

}  // namespace salesdb
