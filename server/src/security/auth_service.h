// Authentication and accounts: login with lockout and per-IP throttling, server-side sessions
// (idle and absolute timeouts), bearer API tokens, users and passwords. Only hashes of session and
// API tokens are stored. Thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/services.h"

namespace salesdb {

struct AuthSettings {
  int session_idle_minutes = 30;
  int session_absolute_hours = 12;
  int max_failures = 5;
  int lockout_minutes = 15;
  int ip_max_failures = 20;
  int ip_window_minutes = 10;
  // How long a looked-up session or API token (with its user) is reused without reading the database
  // again. Logout, revocation, password changes and user updates on this instance drop the cache at
  // once; changes made by another instance or the CLI apply within this time. 0: no cache.
  int principal_cache_ms = 2000;
};

struct LoginResult {
  User user;
  std::string session_token;  // the cookie value; only its hash is stored
  std::string csrf_token;
  int64_t expires_at = 0;
};

struct Principal {
  Actor actor;
  User user;
  int64_t session_id = 0;  // 0: bearer token
  std::string csrf_token;  // empty for bearer tokens
};

class AuthService {
 public:
  AuthService(ServiceContext ctx, AuthSettings settings) : ctx_(ctx), settings_(settings) {}
  // ResourceExhausted (429, Retry-After) when the account is locked or the IP throttled;
  // Unauthenticated for a bad email/password (same answer for both).
  StatusOr<LoginResult> Login(const std::string& email, const std::string& password, const Actor& from);
  Status Logout(const Principal& p);
  // The principal for a session cookie; Unauthenticated when missing, expired or revoked.
  StatusOr<Principal> AuthenticateSession(const std::string& token, const Actor& from);
  StatusOr<Principal> AuthenticateBearer(const std::string& token, const Actor& from);
  Status ChangePassword(const Principal& p, const std::string& current, const std::string& next);

  // Users (admin; sales_manager may list).
  StatusOr<Page<User>> ListUsers(const Actor& actor, const PageRequest& page);
  StatusOr<User> CreateUser(const Actor& actor, User u, const std::string& password);
  StatusOr<User> UpdateUser(const Actor& actor, int64_t id, const Change<User>& change);
  StatusOr<User> SetPassword(const Actor& actor, const std::string& email, const std::string& password);
  StatusOr<int64_t> CountUsers();

  // API tokens of the calling user.
  StatusOr<std::vector<ApiToken>> ListTokens(const Actor& actor);
  // Returns the token row and the plaintext token (shown once).
  StatusOr<std::pair<ApiToken, std::string>> CreateToken(const Actor& actor, int64_t user_id, const std::string& name,
                                                         int expires_in_days);
  Status RevokeToken(const Actor& actor, int64_t id);
  Status CleanUp();  // job: expired sessions, old login attempts and idempotency keys
  // Forgets every cached principal (after an online restore replaced sessions and users).
  void DropCache() { CacheDrop(); }

 private:
  StatusOr<Principal> PrincipalFor(const User& u, const Actor& from);

  // The principal cache, keyed by token hash; one of session/token is set per entry.
  struct CachedAuth {
    Session session;
    ApiToken token;
    User user;
    int64_t loaded_at = 0;
  };
  // The cached session or token behind `token_hash`, or what `load` reads when none is cached.
  StatusOr<CachedAuth> CachedOrLoad(const std::string& token_hash, int64_t now,
                                    const std::function<Status(Tx&, CachedAuth&)>& load);
  // Writes the time of use (`touch`) when the stored one, `*stamp` inside `cached`, is kTouchEveryMs
  // old, and caches the entry with the new time.
  Status TouchIfDue(const std::string& token_hash, CachedAuth& cached, int64_t* stamp, int64_t now,
                    const std::function<Status(Tx&)>& touch);
  bool CacheFind(const std::string& token_hash, int64_t now, CachedAuth* out);
  // Stores an entry unless the cache was dropped since `epoch` (a revocation raced the lookup).
  void CacheStore(const std::string& token_hash, CachedAuth entry, uint64_t epoch);
  uint64_t CacheEpoch();
  void CacheDrop();  // after any change to sessions, tokens or users

  ServiceContext ctx_;
  AuthSettings settings_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, CachedAuth> cache_;
  uint64_t cache_epoch_ = 0;
};

}  // namespace salesdb
