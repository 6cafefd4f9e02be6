#include "base/request_id.h"

#include <gtest/gtest.h>

namespace salesdb {
namespace {

TEST(RequestIdTest, HexOfTheTimeThenTheRandomPart) {
  EXPECT_EQ(TimeOrderedRequestId(0x19a3b4c5d6eLL, 0x0badf00d), "19a3b4c5d6e0badf00d");
  EXPECT_EQ(TimeOrderedRequestId(1, 0), "0000000000100000000");
}

TEST(RequestIdTest, LaterIdsSortAfterEarlierOnes) {
  // What keeps an index on request ids growing at its right end.
  EXPECT_LT(TimeOrderedRequestId(1795672000000, 0xffffffff), TimeOrderedRequestId(1795672000001, 0));
  EXPECT_LT(TimeOrderedRequestId(1795672000999, 7), TimeOrderedRequestId(1795672001000, 3));
}

}  // namespace
}  // namespace salesdb
