#include "domain/validation.h"

#include <gtest/gtest.h>

namespace salesdb {
namespace {

// The field names of a status's errors, in order.
std::vector<std::string> Fields(const Status& s) {
  std::vector<std::string> out;
  for (const auto& f : s.field_errors()) out.push_back(f.field);
  return out;
}

Customer GoodCustomer() {
  Customer c;
  c.name = "杭州云帆科技有限公司";
  c.region = "east_china";
  c.tier = "key";
  c.status = "lead";
  return c;
}

TEST(ValidationTest, Utf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("中文 ü 😀"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3\x28"));          // bad continuation
  EXPECT_FALSE(IsValidUtf8("\xe4\xb8"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong "/"
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong "/"
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xf8\x88\x80\x80\x80"));
  EXPECT_EQ(Utf8Length("中文"), 2u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
}

TEST(ValidationTest, Emails) {
  for (const char* ok : {"a@b.cn", "li.wei+sales@example.com.cn", "o'neil@example.org"}) EXPECT_TRUE(IsValidEmail(ok)) << ok;
  for (const char* bad : {"", "a", "a@", "@b.cn", "a@b", "a b@c.cn", "a@b..cn", "<a@b.cn>", "a@b.cn\n"}) {
    EXPECT_FALSE(IsValidEmail(bad)) << bad;
  }
  EXPECT_FALSE(IsValidEmail(std::string(250, 'a') + "@b.cn"));
}

TEST(ValidationTest, Customer) {
  EXPECT_TRUE(ValidateCustomer(GoodCustomer()).ok());
  Customer c = GoodCustomer();
  c.name = "";
  c.region = "atlantis";
  c.tier = "gold";
  c.status = "prospect";
  Status s = ValidateCustomer(c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s), (std::vector<std::string>{"name", "region", "tier", "status"}));
  EXPECT_EQ(s.field_errors()[0].code, "required");
  c = GoodCustomer();
  c.name = std::string(200, 'x');
  EXPECT_TRUE(ValidateCustomer(c).ok());
  c.name = std::string(201, 'x');
  EXPECT_EQ(ValidateCustomer(c).field_errors()[0].code, "too_long");
  c = GoodCustomer();
  c.name = std::string(200 * 3 / 3, 'x');  // 200 Chinese characters are 600 bytes and still fine
  c.name.clear();
  for (int i = 0; i < 200; ++i) c.name += "中";
  EXPECT_TRUE(ValidateCustomer(c).ok());
  c = GoodCustomer();
  c.tags = {"ok", "has,comma"};
  EXPECT_EQ(Fields(ValidateCustomer(c)), std::vector<std::string>{"tags"});
  c.tags = std::vector<std::string>(21, "t");
  EXPECT_FALSE(ValidateCustomer(c).ok());
  c.tags = {""};
  EXPECT_FALSE(ValidateCustomer(c).ok());
}

TEST(ValidationTest, ContactLicenceActivityOpportunity) {
  Contact ct;
  ct.name = "Li";
  ct.email = "li@example.cn";
  ct.phone = "+86 (21) 5555-0000";
  EXPECT_TRUE(ValidateContact(ct).ok());
  ct.email = "not-an-email";
  ct.phone = "call me";
  EXPECT_EQ(Fields(ValidateContact(ct)), (std::vector<std::string>{"email", "phone"}));

  License l;
  l.edition = "team";
  l.seats = 10;
  l.currency = "CNY";
  l.starts_at = 1000;
  l.expires_at = 2000;
  l.status = "active";
  l.deployment = "cloud";
  EXPECT_TRUE(ValidateLicense(l).ok());
  l.expires_at = 1000;
  EXPECT_EQ(Fields(ValidateLicense(l)), std::vector<std::string>{"expires_at"});
  l.expires_at = 2000;
  for (int64_t seats : {0LL, -1LL, 1000001LL}) {
    l.seats = seats;
    EXPECT_EQ(Fields(ValidateLicense(l)), std::vector<std::string>{"seats"}) << seats;
  }
  l.seats = 10;
  for (const char* cur : {"cny", "CN", "CNYY", "C1Y", ""}) {
    l.currency = cur;
    EXPECT_EQ(Fields(ValidateLicense(l)), std::vector<std::string>{"currency"}) << cur;
  }
  l.currency = "USD";
  l.annual_value_minor = -1;
  EXPECT_FALSE(ValidateLicense(l).ok());

  Activity a;
  a.type = "call";
  a.subject = "Intro";
  a.occurred_at = 1;
  EXPECT_TRUE(ValidateActivity(a).ok());
  a.type = "fax";
  a.occurred_at = 0;
  EXPECT_EQ(Fields(ValidateActivity(a)), (std::vector<std::string>{"type", "occurred_at"}));

  Opportunity o;
  o.name = "Deal";
  o.stage = "won";
  o.currency = "EUR";
  o.expected_close_at = 5;
  o.probability = 100;
  EXPECT_TRUE(ValidateOpportunity(o).ok());
  o.probability = 101;
  o.stage = "maybe";
  EXPECT_EQ(Fields(ValidateOpportunity(o)), (std::vector<std::string>{"stage", "probability"}));
}

TEST(ValidationTest, UsersAndPasswords) {
  User u;
  u.email = "a@b.cn";
  u.name = "A";
  u.role = "viewer";
  EXPECT_TRUE(ValidateUser(u).ok());
  u.role = "root";
  u.region = "mars";
  EXPECT_EQ(Fields(ValidateUser(u)), (std::vector<std::string>{"role", "region"}));
  EXPECT_FALSE(ValidatePassword("short").ok());
  EXPECT_FALSE(ValidatePassword("123456789").ok());
  EXPECT_TRUE(ValidatePassword("1234567890").ok());
  EXPECT_TRUE(ValidatePassword("密码密码密码密码密码").ok());  // 10 characters, 30 bytes
  EXPECT_FALSE(ValidatePassword(std::string(201, 'x')).ok());
}

}  // namespace
}  // namespace salesdb
