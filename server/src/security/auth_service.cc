#include "security/auth_service.h"

#include <algorithm>
#include <cctype>

#include "domain/entity_json.h"
#include "domain/permissions.h"
#include "domain/validation.h"
#include "security/crypto.h"

namespace salesdb {
namespace {

constexpr int64_t kTouchEveryMs = 60'000;  // session last_seen / token last_used write throttle
constexpr char kTokenPrefix[] = "sdb_";
constexpr size_t kMaxCachedPrincipals = 10000;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Status Record(const ServiceContext& ctx, Tx& tx, const Actor& actor, int64_t now, const char* action,
              int64_t user_id, nlohmann::json detail) {
  AuditEntry e = MakeAuditEntry(actor, now, action, "user", user_id);
  if (!detail.is_null()) e.after_json = detail.dump();
  return ctx.audit.Record(tx, std::move(e));
}

Status BadCredentials() { return Unauthenticated("wrong email or password").WithSlug("invalid-credentials"); }

}  // namespace

StatusOr<LoginResult> AuthService::Login(const std::string& raw_email, const std::string& password,
                                         const Actor& from) {
  const std::string email = Lower(raw_email);
  const int64_t now = ctx_.clock.NowMs();
  const int64_t window_ms = settings_.ip_window_minutes * kMsPerMinute;

  // 1. Per-IP throttling, shared by all instances through the database.
  int64_t ip_failures = 0;
  std::optional<User> user;
  RETURN_IF_ERROR(ctx_.store.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(ip_failures, tx.login_attempts().CountFailuresSince(from.ip, now - window_ms));
    auto u = tx.users().GetByEmail(email);
    if (u.ok()) user = *u;
    else if (u.status().code() != StatusCode::kNotFound) return u.status();
    return Status::Ok();
  }));
  if (ip_failures >= settings_.ip_max_failures) {
    return ResourceExhausted("too many failed logins from your address; try again later")
        .WithSlug("too-many-requests")
        .WithRetryAfter(static_cast<int>(window_ms / 1000));
  }

  Actor actor = from;
  if (user) {
    actor.user_id = user->id;
    actor.role = user->role;
  }
  auto fail = [&](const char* reason) -> Status {
    int retry_after = 0;
    Status write = ctx_.store.Write([&](Tx& tx) {
      RETURN_IF_ERROR(tx.login_attempts().Record(from.ip, email, false, now));
      nlohmann::json detail = {{"email", email}, {"reason", reason}};
      if (user) {
        ASSIGN_OR_RETURN(User fresh, tx.users().Get(user->id));
        int failures = fresh.failed_logins + 1;
        int64_t locked_until = fresh.locked_until;
        if (failures >= settings_.max_failures && fresh.locked_until <= now) {
          locked_until = now + settings_.lockout_minutes * kMsPerMinute;
          retry_after = settings_.lockout_minutes * 60;
          failures = 0;
          RETURN_IF_ERROR(Record(ctx_, tx, actor, now, "auth.lockout", user->id, detail));
        }
        RETURN_IF_ERROR(tx.users().RecordLoginFailure(user->id, failures, locked_until));
      }
      return Record(ctx_, tx, actor, now, "auth.login_failed", user ? user->id : 0, detail);
    });
    if (!write.ok()) return write;
    if (retry_after > 0) {
      return ResourceExhausted("too many failed logins; the account is locked for a while")
          .WithSlug("locked-out")
          .WithRetryAfter(retry_after);
    }
    return BadCredentials();
  };

  // 2. Locked accounts are refused before the password is even checked.
  if (user && user->locked_until > now) {
    int seconds = static_cast<int>((user->locked_until - now + 999) / 1000);
    RETURN_IF_ERROR(ctx_.store.Write([&](Tx& tx) {
      RETURN_IF_ERROR(tx.login_attempts().Record(from.ip, email, false, now));
      return Record(ctx_, tx, actor, now, "auth.login_failed", user->id, {{"email", email}, {"reason", "locked"}});
    }));
    return ResourceExhausted("too many failed logins; the account is locked for a while")
        .WithSlug("locked-out")
        .WithRetryAfter(seconds);
  }
  // 3. The password check runs outside any transaction (argon2id is deliberately slow); unknown
  // accounts are checked against a dummy hash so that timing does not reveal which emails exist.
  bool ok = crypto::VerifyPassword(user ? user->password_hash : crypto::DummyPasswordHash(), password);
  if (!user) return fail("unknown account");
  if (!ok) return fail("wrong password");
  if (user->disabled) return fail("disabled account");

  LoginResult result;
  result.user = *user;
  result.session_token = crypto::RandomToken(32);
  result.csrf_token = crypto::RandomToken(32);
  Session s;
  s.token_hash = crypto::TokenHash(result.session_token);
  s.user_id = user->id;
  s.csrf_token = result.csrf_token;
  s.created_at = now;
  s.last_seen_at = now;
  s.expires_at = now + settings_.session_absolute_hours * kMsPerHour;
  s.ip = from.ip;
  s.user_agent = from.user_agent.substr(0, 300);
  result.expires_at = s.expires_at;
  RETURN_IF_ERROR(ctx_.store.Write([&](Tx& tx) {
    RETURN_IF_ERROR(tx.users().RecordLoginSuccess(user->id));
    RETURN_IF_ERROR(tx.login_attempts().Record(from.ip, email, true, now));
    RETURN_IF_ERROR(tx.sessions().Insert(s).status());
    return Record(ctx_, tx, actor, now, "auth.login", user->id, nullptr);
  }));
  return result;
}

Status AuthService::Logout(const Principal& p) {
  if (p.session_id == 0) return Status::Ok();
  int64_t now = ctx_.clock.NowMs();
  Status st = ctx_.store.Write([&](Tx& tx) {
    RETURN_IF_ERROR(tx.sessions().Revoke(p.session_id, now));
    return Record(ctx_, tx, p.actor, now, "auth.logout", p.user.id, nullptr);
  });
  CacheDrop();
  return st;
}

StatusOr<Principal> AuthService::PrincipalFor(const User& u, const Actor& from) {
  if (u.disabled) return Unauthenticated("the account is disabled");
  Principal p;
  p.user = u;
  p.actor = from;
  p.actor.user_id = u.id;
  p.actor.role = u.role;
  p.actor.region = u.region;
  p.actor.name = u.name;
  return p;
}

bool AuthService::CacheFind(const std::string& token_hash, int64_t now, CachedAuth* out) {
  if (settings_.principal_cache_ms <= 0) return false;
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = cache_.find(token_hash);
  if (it == cache_.end()) return false;
  if (now - it->second.loaded_at >= settings_.principal_cache_ms || now < it->second.loaded_at) {
    cache_.erase(it);
    return false;
  }
  *out = it->second;
  return true;
}

void AuthService::CacheStore(const std::string& token_hash, CachedAuth entry, uint64_t epoch) {
  if (settings_.principal_cache_ms <= 0) return;
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (epoch != cache_epoch_) return;
  if (cache_.size() >= kMaxCachedPrincipals) cache_.clear();
  cache_[token_hash] = std::move(entry);
}

uint64_t AuthService::CacheEpoch() {
  std::lock_guard<std::mutex> lock(cache_mu_);
  return cache_epoch_;
}

void AuthService::CacheDrop() {
  std::lock_guard<std::mutex> lock(cache_mu_);
  ++cache_epoch_;
  cache_.clear();
}

StatusOr<AuthService::CachedAuth> AuthService::CachedOrLoad(const std::string& token_hash, int64_t now,
                                                            const std::function<Status(Tx&, CachedAuth&)>& load) {
  CachedAuth cached;
  if (CacheFind(token_hash, now, &cached)) return cached;
  const uint64_t epoch = CacheEpoch();
  RETURN_IF_ERROR(ctx_.store.Read([&](Tx& tx) { return load(tx, cached); }));
  cached.loaded_at = now;
  CacheStore(token_hash, cached, epoch);
  return cached;
}

Status AuthService::TouchIfDue(const std::string& token_hash, CachedAuth& cached, int64_t* stamp, int64_t now,
                               const std::function<Status(Tx&)>& touch) {
  if (now - *stamp < kTouchEveryMs) return Status::Ok();
  const uint64_t epoch = CacheEpoch();
  RETURN_IF_ERROR(ctx_.store.Write(touch));
  *stamp = now;
  cached.loaded_at = now;
  CacheStore(token_hash, cached, epoch);
  return Status::Ok();
}

StatusOr<Principal> AuthService::AuthenticateSession(const std::string& token, const Actor& from) {
  if (token.empty() || token.size() > 200) return Unauthenticated("please log in");
  const int64_t now = ctx_.clock.NowMs();
  const std::string token_hash = crypto::TokenHash(token);
  ASSIGN_OR_RETURN(CachedAuth cached, CachedOrLoad(token_hash, now, [&](Tx& tx, CachedAuth& c) -> Status {
    auto found = tx.sessions().GetByTokenHash(token_hash);
    if (!found.ok()) {
      return found.status().code() == StatusCode::kNotFound ? Unauthenticated("please log in") : found.status();
    }
    c.session = *found;
    ASSIGN_OR_RETURN(c.user, tx.users().Get(c.session.user_id));
    return Status::Ok();
  }));
  Session& s = cached.session;
  if (s.expires_at <= now || s.last_seen_at + settings_.session_idle_minutes * kMsPerMinute <= now) {
    return Unauthenticated("your session has expired; please log in again").WithSlug("session-expired");
  }
  ASSIGN_OR_RETURN(Principal p, PrincipalFor(cached.user, from));
  p.session_id = s.id;
  p.csrf_token = s.csrf_token;
  RETURN_IF_ERROR(TouchIfDue(token_hash, cached, &s.last_seen_at, now,
                             [&](Tx& tx) { return tx.sessions().Touch(s.id, now); }));
  return p;
}

StatusOr<Principal> AuthService::AuthenticateBearer(const std::string& token, const Actor& from) {
  if (token.rfind(kTokenPrefix, 0) != 0 || token.size() > 200) return Unauthenticated("invalid API token");
  const int64_t now = ctx_.clock.NowMs();
  const std::string token_hash = crypto::TokenHash(token);
  ASSIGN_OR_RETURN(CachedAuth cached, CachedOrLoad(token_hash, now, [&](Tx& tx, CachedAuth& c) -> Status {
    auto found = tx.api_tokens().GetByHash(token_hash);
    if (!found.ok()) {
      return found.status().code() == StatusCode::kNotFound ? Unauthenticated("invalid API token") : found.status();
    }
    c.token = *found;
    ASSIGN_OR_RETURN(c.user, tx.users().Get(c.token.user_id));
    return Status::Ok();
  }));
  ApiToken& t = cached.token;
  if (t.expires_at != 0 && t.expires_at <= now) return Unauthenticated("the API token has expired");
  ASSIGN_OR_RETURN(Principal p, PrincipalFor(cached.user, from));
  RETURN_IF_ERROR(TouchIfDue(token_hash, cached, &t.last_used_at, now,
                             [&](Tx& tx) { return tx.api_tokens().Touch(t.id, now); }));
  return p;
}

Status AuthService::ChangePassword(const Principal& p, const std::string& current, const std::string& next) {
  RETURN_IF_ERROR(ValidatePassword(next));
  if (!crypto::VerifyPassword(p.user.password_hash, current)) {
    return FieldInvalid("current_password", "invalid", "is not your current password");
  }
  ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(next));
  int64_t now = ctx_.clock.NowMs();
  Status st = ctx_.store.Write([&](Tx& tx) {
    ASSIGN_OR_RETURN(User u, tx.users().Get(p.user.id));
    u.password_hash = hash;
    u.meta.version += 1;
    u.meta.updated_at = now;
    u.meta.updated_by = p.user.id;
    RETURN_IF_ERROR(tx.users().Update(u));
    RETURN_IF_ERROR(tx.sessions().RevokeAllForUser(u.id, now, p.session_id));
    return Record(ctx_, tx, p.actor, now, "auth.password_change", u.id, nullptr);
  });
  CacheDrop();
  return st;
}

StatusOr<Page<User>> AuthService::ListUsers(const Actor& actor, const PageRequest& page) {
  RETURN_IF_ERROR(Require(actor, Permission::kUserRead));
  // A sales manager sees the people of their own region (whom they may give customers to), not the company.
  const std::string region = actor.role == "sales_manager" ? actor.region : "";
  std::vector<User> rows;
  RETURN_IF_ERROR(ctx_.store.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(rows, tx.users().List(page, region));
    return Status::Ok();
  }));
  const std::string field = page.sort_field;
  return MakePage(std::move(rows), page, [&](const User& u) {
    if (field == "name") return std::make_pair(u.name, int64_t{0});
    if (field == "email") return std::make_pair(u.email, int64_t{0});
    return std::make_pair(std::string(), u.id);
  });
}

StatusOr<User> AuthService::CreateUser(const Actor& actor, User u, const std::string& password) {
  RETURN_IF_ERROR(Require(actor, Permission::kUserWrite));
  u.email = Lower(u.email);
  RETURN_IF_ERROR(ValidateUser(u));
  RETURN_IF_ERROR(ValidatePassword(password));
  ASSIGN_OR_RETURN(u.password_hash, crypto::HashPassword(password));
  int64_t now = ctx_.clock.NowMs();
  u.meta = {1, now, now, actor.user_id, actor.user_id};
  User out;
  Status st = ctx_.store.Write([&](Tx& tx) {
    ASSIGN_OR_RETURN(u.id, tx.users().Insert(u));
    ASSIGN_OR_RETURN(out, tx.users().Get(u.id));
    AuditEntry e = MakeAuditEntry(actor, now, "user.create", "user", u.id);
    e.after_json = ToJson(out).dump();
    return ctx_.audit.Record(tx, std::move(e));
  });
  if (st.code() == StatusCode::kAlreadyExists) return FieldInvalid("email", "taken", "a user with this email exists");
  if (!st.ok()) return st;
  return out;
}

StatusOr<User> AuthService::UpdateUser(const Actor& actor, int64_t id, const Change<User>& change) {
  RETURN_IF_ERROR(Require(actor, Permission::kUserWrite));
  int64_t now = ctx_.clock.NowMs();
  User out;
  Status st = ctx_.store.Write([&](Tx& tx) {
    ASSIGN_OR_RETURN(User before, tx.users().Get(id));
    if (change.expected_version == 0) {
      return FailedPrecondition("send If-Match or version").WithHttpStatus(428).WithSlug("precondition-required");
    }
    if (change.expected_version != before.meta.version) {
      Status s = Aborted("the user was changed by someone else since you read it");
      s.current_version = before.meta.version;
      return s;
    }
    User after = before;
    RETURN_IF_ERROR(change.apply(after));
    after.id = id;
    after.email = Lower(after.email);
    RETURN_IF_ERROR(ValidateUser(after));
    if (id == actor.user_id && (after.disabled || after.role != before.role)) {
      return FailedPrecondition("you cannot disable yourself or change your own role");
    }
    after.meta.version += 1;
    after.meta.updated_at = now;
    after.meta.updated_by = actor.user_id;
    RETURN_IF_ERROR(tx.users().Update(after));
    if (after.disabled && !before.disabled) RETURN_IF_ERROR(tx.sessions().RevokeAllForUser(id, now, 0));
    ASSIGN_OR_RETURN(out, tx.users().Get(id));
    const char* action = after.role != before.role ? "user.role_change" : "user.update";
    AuditEntry e = MakeAuditEntry(actor, now, action, "user", id);
    e.before_json = ToJson(before).dump();
    e.after_json = ToJson(out).dump();
    return ctx_.audit.Record(tx, std::move(e));
  });
  CacheDrop();  // role, region, name or disabled may have changed
  RETURN_IF_ERROR(st);
  return out;
}

StatusOr<User> AuthService::SetPassword(const Actor& actor, const std::string& email, const std::string& password) {
  RETURN_IF_ERROR(Require(actor, Permission::kUserWrite));
  RETURN_IF_ERROR(ValidatePassword(password));
  ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(password));
  int64_t now = ctx_.clock.NowMs();
  User out;
  Status st = ctx_.store.Write([&](Tx& tx) {
    ASSIGN_OR_RETURN(User u, tx.users().GetByEmail(Lower(email)));
    u.password_hash = hash;
    u.meta.version += 1;
    u.meta.updated_at = now;
    u.meta.updated_by = actor.user_id;
    RETURN_IF_ERROR(tx.users().Update(u));
    RETURN_IF_ERROR(tx.users().RecordLoginSuccess(u.id));  // clears a lockout
    RETURN_IF_ERROR(tx.sessions().RevokeAllForUser(u.id, now, 0));
    out = u;
    return Record(ctx_, tx, actor, now, "auth.password_reset", u.id, nullptr);
  });
  CacheDrop();
  RETURN_IF_ERROR(st);
  return out;
}

StatusOr<int64_t> AuthService::CountUsers() {
  int64_t n = 0;
  RETURN_IF_ERROR(ctx_.store.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(n, tx.users().Count());
    return Status::Ok();
  }));
  return n;
}

StatusOr<std::vector<ApiToken>> AuthService::ListTokens(const Actor& actor) {
  if (actor.user_id == 0) return PermissionDenied("log in as a user to list tokens");
  std::vector<ApiToken> out;
  RETURN_IF_ERROR(ctx_.store.Read([&](Tx& tx) {
    ASSIGN_OR_RETURN(out, tx.api_tokens().ListForUser(actor.user_id));
    return Status::Ok();
  }));
  return out;
}

StatusOr<std::pair<ApiToken, std::string>> AuthService::CreateToken(const Actor& actor, int64_t user_id,
                                                                    const std::string& name, int expires_in_days) {
  if (actor.user_id != 0 && actor.user_id != user_id) return PermissionDenied("you may create tokens only for yourself");
  if (name.empty() || Utf8Length(name) > 100) return FieldInvalid("name", "invalid", "1 to 100 characters");
  if (expires_in_days < 0 || expires_in_days > 3650) {
    return FieldInvalid("expires_in_days", "out_of_range", "must be between 0 (never) and 3650");
  }
  int64_t now = ctx_.clock.NowMs();
  std::string token = kTokenPrefix + crypto::RandomToken(32);
  ApiToken t;
  t.user_id = user_id;
  t.name = name;
  t.token_hash = crypto::TokenHash(token);
  t.prefix = token.substr(0, 10);
  t.created_at = now;
  t.expires_at = expires_in_days == 0 ? 0 : now + expires_in_days * kMsPerDay;
  RETURN_IF_ERROR(ctx_.store.Write([&](Tx& tx) {
    ASSIGN_OR_RETURN(User u, tx.users().Get(user_id));
    if (u.disabled) return FailedPrecondition("the user is disabled");
    ASSIGN_OR_RETURN(t.id, tx.api_tokens().Insert(t));
    return Record(ctx_, tx, actor, now, "auth.token_create", user_id, {{"token_id", t.id}, {"name", name}});
  }));
  return std::make_pair(t, token);
}

Status AuthService::RevokeToken(const Actor& actor, int64_t id) {
  int64_t now = ctx_.clock.NowMs();
  Status st = ctx_.store.Write([&](Tx& tx) {
    RETURN_IF_ERROR(tx.api_tokens().Revoke(id, actor.user_id, now));
    return Record(ctx_, tx, actor, now, "auth.token_revoke", actor.user_id, {{"token_id", id}});
  });
  CacheDrop();
  return st;
}

Status AuthService::CleanUp() {
  int64_t now = ctx_.clock.NowMs();
  return ctx_.store.Write([&](Tx& tx) {
    RETURN_IF_ERROR(tx.sessions().DeleteExpired(now - kMsPerDay));
    RETURN_IF_ERROR(tx.login_attempts().DeleteBefore(now - kMsPerDay));
    return tx.idempotency().DeleteBefore(now - kMsPerDay);
  });
}

}  // namespace salesdb
