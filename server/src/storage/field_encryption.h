// The encrypted columns and their SQL: which columns of which tables are sealed (the one list),
// the encryption_keys table, writing sealed values with their blind indexes, and the batched
// re-encryption behind `salesdb keys rotate` and the encryption of rows from before migration 0002.
//
// Ids first: the additional data binds a sealed value to its row id, so a new row's id is taken
// before its INSERT (ReserveIds, NewRowId) and the row goes in with its values already sealed for
// it (SealRow); no plaintext ever reaches the database. Updates seal the new values for the
// row's id (WriteSealed).
//
// Which data key seals a write: the one marked active in encryption_keys, read inside the write
// transaction (PostgreSQL: under a shared advisory lock that the rotation takes exclusively while
// it switches keys), so no write can land under a key the rotation has already swept past. The
// writer reads it once per batch (SealingKeyVersion).
#pragma once

#include <soci/soci.h>

#include <functional>
#include <string>
#include <vector>

#include "domain/field_cipher.h"
#include "storage/database.h"
#include "storage/sql_query.h"
#include "storage/writer_state.h"

namespace salesdb {

struct EncryptedColumn {
  const char* column;
  const char* bidx_column;  // nullptr: not searchable
  const char* bidx_space;   // FieldCipher::BlindIndex column name
  std::string (*normalize)(std::string_view);
};

struct EncryptedTable {
  const char* table;
  std::vector<EncryptedColumn> columns;
};

// contacts(email, phone), licenses(license_key), activities(body).
const std::vector<EncryptedTable>& EncryptedTables();
const EncryptedTable& EncryptedTableNamed(const std::string& table);

// `n` new ids for `table`, in the caller's write transaction. SQLite: the writer holds the write
// lock, so they follow the largest id, as SQLite itself assigns them. PostgreSQL: drawn from the
// table's sequence, so concurrent writers never collide.
StatusOr<std::vector<long long>> ReserveIds(soci::session& s, Dialect d, const std::string& table, size_t n);
// One new id for `table` (as ReserveIds); on PostgreSQL the writer draws them from the sequence
// some at a time and keeps the spare ones in `writer` (may be null: one at a time).
StatusOr<int64_t> NewRowId(soci::session& s, Dialect d, WriterState* writer, const std::string& table);

// The stored form of one encrypted column: the value sealed for its row, and its blind index when
// the column is searchable (bidx_column set).
struct SealedColumn {
  std::string value;
  int64_t blind_index = 0;
};
// Seals `plaintexts` (one per column of `t`, in order) for row `id` with data key `key_version`
// (which `cipher` must hold): what WriteSealed and BindSealed store, for writers that insert final
// rows at once.
StatusOr<std::vector<SealedColumn>> SealRow(const FieldCipher& cipher, const EncryptedTable& t, int64_t key_version,
                                            int64_t id, const std::vector<std::string>& plaintexts);

// A sealed column's value, or its blind index, or the row's key version, as written: the column
// and the placeholder its value is bound to.
struct SealedAssignment {
  std::string column;
  std::string placeholder;
};
// Seals `plaintexts` (one per column of `t`, in order) for row `id` with data key `key_version`
// (loaded first when `cipher` lacks it) and binds them on `q` with their blind indexes and the key
// version; returns what to write where.
StatusOr<std::vector<SealedAssignment>> BindSealed(soci::session& s, FieldCipher& cipher, const EncryptedTable& t,
                                                   int64_t key_version, int64_t id,
                                                   const std::vector<std::string>& plaintexts, Query& q);

// Seals `plaintexts` for row `id` with data key `key_version` (SealingKeyVersion) and writes them with
// their blind indexes and key version. `expect_key_version` >= 0 makes it a compare-and-set on the
// row's current key version (rotation); returns the rows changed (0 or 1).
StatusOr<long long> WriteSealed(soci::session& s, FieldCipher& cipher, const EncryptedTable& t, int64_t id,
                                const std::vector<std::string>& plaintexts, int64_t key_version,
                                int64_t expect_key_version = -1);

// Opens `*value` in place (value of `column` in row `id` of `table`); loads keys from the database
// when it names one this process has not seen yet (a rotation run by another process).
Status OpenSealed(soci::session& s, FieldCipher& cipher, const char* table, const char* column, int64_t id,
                  std::string* value);

// The active data key version, read in the caller's write transaction (see header comment).
StatusOr<int64_t> ActiveKeyVersion(soci::session& s, Dialect d);
// The same, read once per batch of the writer (`writer` may be null: read now).
StatusOr<int64_t> SealingKeyVersion(soci::session& s, Dialect d, WriterState* writer);
// Loads the keys from the database when `cipher` lacks data key `version`.
Status EnsureKey(soci::session& s, FieldCipher& cipher, int64_t version);

// At start: creates the key check value, the blind-index key and data key 1 on a database without
// keys; else checks the master key against the stored check value and loads every key.
// FailedPrecondition "wrong master key" when it does not match. `*had_keys` tells which.
Status InitFieldKeys(Database& db, FieldCipher& cipher, int64_t now, bool* had_keys);
// True when encryption_keys holds keys (whether a master key must already exist).
StatusOr<bool> HasFieldKeys(Database& db);

struct KeyStatus {
  int64_t active_version = 0;
  std::vector<int64_t> retiring;  // keys a running rotation moves away from
  int64_t rows_left = 0;          // rows under an older key (or plaintext)
  int64_t plaintext_rows = 0;     // rows from before migration 0002, not sealed yet
};
StatusOr<KeyStatus> GetKeyStatus(Database& db);

// Starts a rotation (new active data key; the old one retiring) or, when one is unfinished,
// resumes it. Returns the target (active) version; *resumed tells which.
StatusOr<int64_t> BeginRotation(Database& db, FieldCipher& cipher, int64_t now, bool* resumed);
// Re-seals up to `limit` rows of `t` with key_version < below and id > after_id under the target
// key, in one transaction. Returns {rows re-sealed, last id seen (0: none left after after_id)}.
struct BatchResult {
  int64_t rewritten = 0;
  int64_t last_id = 0;
};
StatusOr<BatchResult> ReencryptBatch(Database& db, FieldCipher& cipher, const EncryptedTable& t, int64_t below,
                                     int64_t target, int64_t after_id, int limit);
// Marks retiring keys retired once no row uses them; FailedPrecondition while rows are left.
Status FinishRotation(Database& db);

// Re-seals every row below the active key (plaintext rows from before 0002 included), in batches;
// `progress(rows_done, rows_left)` after each batch. `max_batches` > 0 stops early (resumable).
// When all are done, retiring keys become retired. `plaintext_only`: only rows from before 0002
// (what every start does). Returns the rows left (0 when done).
StatusOr<int64_t> ReencryptAll(Database& db, FieldCipher& cipher, int batch_size, int max_batches,
                               const std::function<void(int64_t, int64_t)>& progress, bool plaintext_only = false);

}  // namespace salesdb
