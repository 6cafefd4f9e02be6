// Users, sessions, API tokens, login attempts and idempotency keys.
#include "storage/field_encryption.h"
#include "storage/repositories.h"

namespace salesdb {
namespace {

constexpr char kUserColumns[] =
    "SELECT id, email, name, role, region, password_hash, disabled, failed_logins, locked_until, "
    "version, created_at, updated_at, created_by, updated_by FROM users";
constexpr char kInsertUser[] =
    "INSERT INTO users (email, name, role, region, password_hash, disabled, version, created_at, "
    "updated_at, created_by, updated_by) VALUES (:email, :name, :role, :region, :hash, :disabled, 1, "
    ":created_at, :updated_at, :created_by, :updated_by) RETURNING id";
constexpr char kUpdateUser[] =
    "UPDATE users SET email = :email, name = :name, role = :role, region = :region, "
    "password_hash = :hash, disabled = :disabled, version = :version, updated_at = :updated_at, "
    "updated_by = :updated_by WHERE id = :id AND version = :old_version";

struct UserRow {
  long long id = 0, disabled = 0, failed = 0, locked = 0, version = 0, created_at = 0, updated_at = 0,
            created_by = 0, updated_by = 0;
  std::string email, name, role, region, hash;
  void Bind(Query& q) {
    q.Into(id).Into(email).Into(name).Into(role).Into(region).Into(hash).Into(disabled).Into(failed)
        .Into(locked).Into(version).Into(created_at).Into(updated_at).Into(created_by).Into(updated_by);
  }
  User ToUser() const {
    User u;
    u.id = id;
    u.email = email;
    u.name = name;
    u.role = role;
    u.region = region;
    u.password_hash = hash;
    u.disabled = disabled != 0;
    u.failed_logins = static_cast<int>(failed);
    u.locked_until = locked;
    u.meta = {version, created_at, updated_at, created_by, updated_by};
    return u;
  }
};

}  // namespace

StatusOr<User> SqlUserRepository::Get(int64_t id) {
  UserRow r;
  Query q(ctx_.s, kUserColumns);
  q.Sql(" WHERE id = :id").Bind("id", static_cast<long long>(id));
  r.Bind(q);
  if (!q.One()) return NotFound("user not found");
  return r.ToUser();
}

StatusOr<User> SqlUserRepository::GetByEmail(const std::string& email) {
  UserRow r;
  Query q(ctx_.s, kUserColumns);
  q.Sql(" WHERE email = :email").Bind("email", email);
  r.Bind(q);
  if (!q.One()) return NotFound("user not found");
  return r.ToUser();
}

StatusOr<std::vector<User>> SqlUserRepository::List(const PageRequest& page, const std::string& region) {
  UserRow r;
  Query q(ctx_.s, kUserColumns);
  q.Sql(" WHERE 1 = 1");
  if (!region.empty()) q.Sql(" AND region = :region").Bind("region", region);
  AppendKeyset(q, page.sort_field == "name" ? "name" : page.sort_field == "email" ? "email" : "id",
               page.sort_field != "name" && page.sort_field != "email", "id", page);
  r.Bind(q);
  std::vector<User> out;
  q.Each([&] { out.push_back(r.ToUser()); });
  return out;
}

StatusOr<int64_t> SqlUserRepository::Insert(const User& u) {
  Changed(ctx_, kUsersTable);
  long long id = 0;
  Query q(ctx_.s, kInsertUser);
  q.Bind("email", u.email).Bind("name", u.name).Bind("role", u.role).Bind("region", u.region)
      .Bind("hash", u.password_hash).Bind("disabled", u.disabled ? 1LL : 0LL)
      .Bind("created_at", static_cast<long long>(u.meta.created_at))
      .Bind("updated_at", static_cast<long long>(u.meta.updated_at))
      .Bind("created_by", static_cast<long long>(u.meta.created_by))
      .Bind("updated_by", static_cast<long long>(u.meta.updated_by))
      .Into(id);
  q.One();
  return static_cast<int64_t>(id);
}

Status SqlUserRepository::Update(const User& u) {
  Changed(ctx_, kUsersTable);
  Query q(ctx_.s, kUpdateUser);
  q.Bind("email", u.email).Bind("name", u.name).Bind("role", u.role).Bind("region", u.region)
      .Bind("hash", u.password_hash).Bind("disabled", u.disabled ? 1LL : 0LL)
      .Bind("version", static_cast<long long>(u.meta.version))
      .Bind("updated_at", static_cast<long long>(u.meta.updated_at))
      .Bind("updated_by", static_cast<long long>(u.meta.updated_by))
      .Bind("id", static_cast<long long>(u.id))
      .Bind("old_version", static_cast<long long>(u.meta.version - 1));
  if (q.Exec() != 1) return Aborted("the user was changed by someone else");
  return Status::Ok();
}

Status SqlUserRepository::RecordLoginFailure(int64_t id, int failed_logins, int64_t locked_until) {
  Query q(ctx_.s, "UPDATE users SET failed_logins = :f, locked_until = :l WHERE id = :id");
  q.Bind("f", static_cast<long long>(failed_logins)).Bind("l", static_cast<long long>(locked_until))
      .Bind("id", static_cast<long long>(id));
  q.Exec();
  return Status::Ok();
}

Status SqlUserRepository::RecordLoginSuccess(int64_t id) {
  Query q(ctx_.s, "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = :id");
  q.Bind("id", static_cast<long long>(id));
  q.Exec();
  return Status::Ok();
}

StatusOr<int64_t> SqlUserRepository::Count() {
  long long n = 0;
  Query q(ctx_.s, "SELECT COUNT(*) FROM users");
  q.Into(n).One();
  return static_cast<int64_t>(n);
}

// ---- sessions

namespace {
constexpr char kSessionColumns[] =
    "SELECT id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent "
    "FROM sessions";
constexpr char kInsertSession[] =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, "
    "user_agent) VALUES (:th, :uid, :csrf, :ca, :ls, :ea, :ip, :ua) RETURNING id";
}  // namespace

StatusOr<int64_t> SqlSessionRepository::Insert(const Session& s) {
  long long id = 0;
  Query q(ctx_.s, kInsertSession);
  q.Bind("th", s.token_hash).Bind("uid", static_cast<long long>(s.user_id)).Bind("csrf", s.csrf_token)
      .Bind("ca", static_cast<long long>(s.created_at)).Bind("ls", static_cast<long long>(s.last_seen_at))
      .Bind("ea", static_cast<long long>(s.expires_at)).Bind("ip", s.ip).Bind("ua", s.user_agent)
      .Into(id);
  q.One();
  return static_cast<int64_t>(id);
}

StatusOr<Session> SqlSessionRepository::GetByTokenHash(const std::string& token_hash) {
  Session out;
  long long id = 0, uid = 0, ca = 0, ls = 0, ea = 0;
  Query q(ctx_.s, kSessionColumns);
  q.Sql(" WHERE token_hash = :th AND revoked_at = 0").Bind("th", token_hash);
  q.Into(id).Into(out.token_hash).Into(uid).Into(out.csrf_token).Into(ca).Into(ls).Into(ea).Into(out.ip)
      .Into(out.user_agent);
  if (!q.One()) return NotFound("session not found");
  out.id = id;
  out.user_id = uid;
  out.created_at = ca;
  out.last_seen_at = ls;
  out.expires_at = ea;
  return out;
}

Status SqlSessionRepository::Touch(int64_t id, int64_t at) {
  Query q(ctx_.s, "UPDATE sessions SET last_seen_at = :at WHERE id = :id");
  q.Bind("at", static_cast<long long>(at)).Bind("id", static_cast<long long>(id));
  q.Exec();
  return Status::Ok();
}

Status SqlSessionRepository::Revoke(int64_t id, int64_t at) {
  Query q(ctx_.s, "UPDATE sessions SET revoked_at = :at WHERE id = :id");
  q.Bind("at", static_cast<long long>(at)).Bind("id", static_cast<long long>(id));
  q.Exec();
  return Status::Ok();
}

Status SqlSessionRepository::RevokeAllForUser(int64_t user_id, int64_t at, int64_t except_id) {
  Query q(ctx_.s,
          "UPDATE sessions SET revoked_at = :at WHERE user_id = :uid AND id <> :except AND revoked_at = 0");
  q.Bind("at", static_cast<long long>(at)).Bind("uid", static_cast<long long>(user_id))
      .Bind("except", static_cast<long long>(except_id));
  q.Exec();
  return Status::Ok();
}

Status SqlSessionRepository::DeleteExpired(int64_t now) {
  Query q(ctx_.s, "DELETE FROM sessions WHERE expires_at < :now OR revoked_at <> 0 AND revoked_at < :now2");
  q.Bind("now", static_cast<long long>(now)).Bind("now2", static_cast<long long>(now));
  q.Exec();
  return Status::Ok();
}

// ---- API tokens

namespace {
constexpr char kTokenColumns[] =
    "SELECT id, user_id, name, token_hash, prefix, created_at, last_used_at, expires_at, revoked_at "
    "FROM api_tokens";
struct TokenRow {
  long long id = 0, uid = 0, ca = 0, lu = 0, ea = 0, ra = 0;
  ApiToken t;
  void Bind(Query& q) {
    q.Into(id).Into(uid).Into(t.name).Into(t.token_hash).Into(t.prefix).Into(ca).Into(lu).Into(ea).Into(ra);
  }
  ApiToken Get() const {
    ApiToken out = t;
    out.id = id;
    out.user_id = uid;
    out.created_at = ca;
    out.last_used_at = lu;
    out.expires_at = ea;
    out.revoked_at = ra;
    return out;
  }
};
}  // namespace

StatusOr<int64_t> SqlApiTokenRepository::Insert(const ApiToken& t) {
  long long id = 0;
  Query q(ctx_.s,
          "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at) "
          "VALUES (:uid, :name, :th, :prefix, :ca, :ea) RETURNING id");
  q.Bind("uid", static_cast<long long>(t.user_id)).Bind("name", t.name).Bind("th", t.token_hash)
      .Bind("prefix", t.prefix).Bind("ca", static_cast<long long>(t.created_at))
      .Bind("ea", static_cast<long long>(t.expires_at)).Into(id);
  q.One();
  return static_cast<int64_t>(id);
}

StatusOr<ApiToken> SqlApiTokenRepository::GetByHash(const std::string& token_hash) {
  TokenRow r;
  Query q(ctx_.s, kTokenColumns);
  q.Sql(" WHERE token_hash = :th AND revoked_at = 0").Bind("th", token_hash);
  r.Bind(q);
  if (!q.One()) return NotFound("token not found");
  return r.Get();
}

StatusOr<std::vector<ApiToken>> SqlApiTokenRepository::ListForUser(int64_t user_id) {
  TokenRow r;
  Query q(ctx_.s, kTokenColumns);
  q.Sql(" WHERE user_id = :uid AND revoked_at = 0 ORDER BY id").Bind("uid", static_cast<long long>(user_id));
  r.Bind(q);
  std::vector<ApiToken> out;
  q.Each([&] { out.push_back(r.Get()); });
  return out;
}

Status SqlApiTokenRepository::Revoke(int64_t id, int64_t user_id, int64_t at) {
  Query q(ctx_.s, "UPDATE api_tokens SET revoked_at = :at WHERE id = :id AND revoked_at = 0");
  q.Bind("at", static_cast<long long>(at)).Bind("id", static_cast<long long>(id));
  if (user_id != 0) q.Sql(" AND user_id = :uid").Bind("uid", static_cast<long long>(user_id));
  if (q.Exec() != 1) return NotFound("token not found");
  return Status::Ok();
}

Status SqlApiTokenRepository::Touch(int64_t id, int64_t at) {
  Query q(ctx_.s, "UPDATE api_tokens SET last_used_at = :at WHERE id = :id");
  q.Bind("at", static_cast<long long>(at)).Bind("id", static_cast<long long>(id));
  q.Exec();
  return Status::Ok();
}

// ---- login attempts

Status SqlLoginAttemptRepository::Record(const std::string& ip, const std::string& email, bool ok,
                                         int64_t at) {
  Query q(ctx_.s, "INSERT INTO login_attempts (ip, email, ok, at) VALUES (:ip, :email, :ok, :at)");
  q.Bind("ip", ip).Bind("email", email).Bind("ok", ok ? 1LL : 0LL).Bind("at", static_cast<long long>(at));
  q.Exec();
  return Status::Ok();
}

StatusOr<int64_t> SqlLoginAttemptRepository::CountFailuresSince(const std::string& ip, int64_t since) {
  long long n = 0;
  Query q(ctx_.s, "SELECT COUNT(*) FROM login_attempts WHERE ip = :ip AND at >= :since AND ok = 0");
  q.Bind("ip", ip).Bind("since", static_cast<long long>(since)).Into(n);
  q.One();
  return static_cast<int64_t>(n);
}

Status SqlLoginAttemptRepository::DeleteBefore(int64_t at) {
  Query q(ctx_.s, "DELETE FROM login_attempts WHERE at < :at");
  q.Bind("at", static_cast<long long>(at));
  q.Exec();
  return Status::Ok();
}

// ---- idempotency keys

StatusOr<std::optional<IdempotentAnswer>> SqlIdempotencyRepository::Find(int64_t user_id,
                                                                         const std::string& key) {
  IdempotentAnswer a;
  long long status = 0;
  Query q(ctx_.s,
          "SELECT status, location, body, request_hash FROM idempotency_keys WHERE user_id = :uid AND key = :key");
  q.Bind("uid", static_cast<long long>(user_id)).Bind("key", key);
  q.Into(status).Into(a.location).Into(a.body).Into(a.request_hash);
  if (!q.One()) return std::optional<IdempotentAnswer>();
  a.status = static_cast<int>(status);
  // Answers hold customer data (a created contact, an issued licence key): sealed at rest, bound
  // to the user and the key.
  if (ctx_.cipher == nullptr) return FailedPrecondition("field encryption is not set up for this store");
  RETURN_IF_ERROR(OpenSealed(ctx_.s, *ctx_.cipher, ("idempotency_keys:" + key).c_str(), "body", user_id, &a.body));
  return std::optional<IdempotentAnswer>(a);
}

Status SqlIdempotencyRepository::Save(int64_t user_id, const std::string& key, const IdempotentAnswer& a,
                                      int64_t at) {
  if (ctx_.cipher == nullptr) return FailedPrecondition("field encryption is not set up for this store");
  ASSIGN_OR_RETURN(int64_t kv, SealingKeyVersion(ctx_.s, ctx_.dialect, ctx_.writer));
  RETURN_IF_ERROR(EnsureKey(ctx_.s, *ctx_.cipher, kv));
  ASSIGN_OR_RETURN(std::string body, ctx_.cipher->Encrypt(kv, "idempotency_keys:" + key, "body", user_id, a.body));
  Query q(ctx_.s,
          "INSERT INTO idempotency_keys (user_id, key, request_hash, status, location, body, created_at) "
          "VALUES (:uid, :key, :rh, :status, :loc, :body, :at)");
  q.Bind("uid", static_cast<long long>(user_id)).Bind("key", key).Bind("rh", a.request_hash)
      .Bind("status", static_cast<long long>(a.status)).Bind("loc", a.location).Bind("body", body)
      .Bind("at", static_cast<long long>(at));
  q.Exec();
  return Status::Ok();
}

Status SqlIdempotencyRepository::DeleteBefore(int64_t at) {
  Query q(ctx_.s, "DELETE FROM idempotency_keys WHERE created_at < :at");
  q.Bind("at", static_cast<long long>(at));
  q.Exec();
  return Status::Ok();
}

}  // namespace salesdb
