// The entities of the sales database. Plain values; times are epoch ms UTC, money is minor units.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace salesdb {

// Bookkeeping every mutable row carries.
struct RowMeta {
  int64_t version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t created_by = 0;
  int64_t updated_by = 0;
};

struct User {
  int64_t id = 0;
  std::string email;
  std::string name;
  std::string role;
  std::string region;  // empty: none
  bool disabled = false;
  std::string password_hash;  // never leaves the server
  int failed_logins = 0;
  int64_t locked_until = 0;
  RowMeta meta;
};

struct Customer {
  int64_t id = 0;
  std::string name;
  std::string industry;
  std::string region;
  std::string tier = "standard";
  std::string status = "lead";
  int64_t owner_id = 0;
  std::string owner_name;  // read, not stored: the user's current name
  std::vector<std::string> tags;
  std::string website;
  std::string notes;
  int64_t active_license_count = 0;  // kept on the customer by triggers on licenses
  std::optional<int64_t> deleted_at;
  RowMeta meta;
};

struct Contact {
  int64_t id = 0;
  int64_t customer_id = 0;
  std::string name;
  std::string title;
  std::string email;
  std::string phone;
  bool is_primary = false;
  int64_t customer_owner_id = 0;  // joined: decides masking
  RowMeta meta;
};

struct License {
  int64_t id = 0;
  int64_t customer_id = 0;
  std::string customer_name;  // joined
  std::string key;
  std::string edition;
  int64_t seats = 0;
  int64_t annual_value_minor = 0;
  std::string currency = "CNY";
  int64_t starts_at = 0;
  int64_t expires_at = 0;
  std::string status = "active";
  std::string deployment = "cloud";
  std::string revoked_reason;
  int64_t customer_owner_id = 0;  // joined: decides masking
  RowMeta meta;
};

struct Activity {
  int64_t id = 0;
  int64_t customer_id = 0;
  std::string type;
  std::string subject;
  std::string body;
  int64_t occurred_at = 0;
  int64_t user_id = 0;
  std::string user_name;  // read, not stored: the user's current name
  int64_t customer_owner_id = 0;  // joined: decides masking
  RowMeta meta;
};

struct Opportunity {
  int64_t id = 0;
  int64_t customer_id = 0;
  std::string customer_name;  // joined
  std::string name;
  std::string stage = "prospect";
  int64_t amount_minor = 0;
  std::string currency = "CNY";
  int64_t expected_close_at = 0;
  int probability = 10;
  int64_t owner_id = 0;
  std::string owner_name;  // read, not stored: the user's current name
  int64_t customer_owner_id = 0;  // joined: whose customer (who may change it)
  RowMeta meta;
};

struct Session {
  int64_t id = 0;
  std::string token_hash;
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;  // absolute
  std::string ip;
  std::string user_agent;
};

struct ApiToken {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string token_hash;
  std::string prefix;
  int64_t created_at = 0;
  int64_t last_used_at = 0;
  int64_t expires_at = 0;  // 0: never
  int64_t revoked_at = 0;
};

// One entry of the audit trail, written in the same transaction as the change it records.
struct AuditEntry {
  int64_t id = 0;
  int64_t at = 0;
  int64_t actor_id = 0;  // 0: system
  std::string actor_role;
  std::string ip;
  std::string user_agent;
  std::string request_id;
  std::string action;  // e.g. customer.update, auth.login_failed
  std::string entity;
  int64_t entity_id = 0;
  std::string before_json;
  std::string after_json;
  std::string prev_hash;
  std::string hash;
};

// Who is asking, and from where; passed to every service call.
struct Actor {
  int64_t user_id = 0;  // 0: the system (CLI, jobs)
  std::string role;
  std::string region;
  std::string name;
  std::string ip;
  std::string user_agent;
  std::string request_id;
  static Actor System() {
    Actor a;
    a.role = "admin";
    a.name = "system";
    return a;
  }
};

}  // namespace salesdb
