// Deterministic, realistic demo data: sales users per region, customers with Chinese and English
// names, contacts, 1–3 licences per customer across editions, activities and opportunities.
// Written in transactions of 10,000 customers: ids are reserved first, so every sealed field is
// sealed for its final row id and rows go in complete, many per statement (SQLite: a TEMP staging
// table and INSERT … SELECT; PostgreSQL: COPY). Same rows, sealing, triggers and search indexes as
// the API's writes. bench/RESULTS.md ("Seeding") has the timings.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "domain/field_cipher.h"
#include "storage/database.h"

namespace salesdb {

struct SeedOptions {
  int64_t customers = 1000;
  uint64_t random_seed = 42;
  int64_t now_ms = 0;
  // argon2id hash given to the demo users (the CLI hashes the password it prints).
  std::string demo_password_hash;
  // Seals contact emails and phones, licence keys and activity bodies like every other write.
  FieldCipher* cipher = nullptr;
};

struct SeedReport {
  int64_t users = 0, customers = 0, contacts = 0, licenses = 0, activities = 0, opportunities = 0;
};

StatusOr<SeedReport> Seed(Database& db, const SeedOptions& options);

}  // namespace salesdb
