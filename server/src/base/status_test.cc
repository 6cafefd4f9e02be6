#include "base/status.h"

#include <gtest/gtest.h>

namespace salesdb {
namespace {

StatusOr<int> Half(int n) {
  if (n % 2) return InvalidArgument("odd");
  return n / 2;
}

Status UseHalf(int n, int* out) {
  ASSIGN_OR_RETURN(*out, Half(n));
  return Status::Ok();
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = FieldInvalid("email", "invalid", "bad");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(s.field_errors().size(), 1u);
  EXPECT_EQ(s.field_errors()[0].field, "email");
}

TEST(StatusTest, AssignOrReturnPropagates) {
  int out = 0;
  EXPECT_TRUE(UseHalf(8, &out).ok());
  EXPECT_EQ(out, 4);
  Status s = UseHalf(3, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "odd");
}

}  // namespace
}  // namespace salesdb
