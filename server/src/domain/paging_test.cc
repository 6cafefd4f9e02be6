#include "domain/paging.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace salesdb {
namespace {

const std::vector<SortField> kSorts = {{"updated_at", true}, {"name", false}};

struct Row {
  int64_t id;
  std::string name;
  int64_t updated_at;
};

TEST(PagingTest, DefaultsAndSortDirection) {
  auto p = MakePageRequest("", "", "", kSorts, "-updated_at");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->sort_field, "updated_at");
  EXPECT_TRUE(p->descending);
  EXPECT_TRUE(p->numeric);
  EXPECT_EQ(p->limit, 50);
  EXPECT_FALSE(p->has_cursor);
  auto asc = MakePageRequest("name", "", "7", kSorts, "-updated_at");
  ASSERT_TRUE(asc.ok());
  EXPECT_FALSE(asc->descending);
  EXPECT_FALSE(asc->numeric);
  EXPECT_EQ(asc->limit, 7);
}

TEST(PagingTest, RefusesBadSortAndLimitNamingTheParameter) {
  for (const char* sort : {"password", "-", "--name", "name;drop", "NAME", " name"}) {
    auto p = MakePageRequest(sort, "", "", kSorts, "-updated_at");
    ASSERT_FALSE(p.ok()) << sort;
    ASSERT_EQ(p.status().field_errors().size(), 1u);
    EXPECT_EQ(p.status().field_errors()[0].field, "sort");
  }
  for (const char* limit : {"0", "501", "-1", "abc", "1.5", "1e2", "9999999", "99999999999999999999", " 5", "+5"}) {
    auto p = MakePageRequest("", "", limit, kSorts, "-updated_at");
    ASSERT_FALSE(p.ok()) << limit;
    EXPECT_EQ(p.status().field_errors()[0].field, "limit") << limit;
  }
  EXPECT_TRUE(MakePageRequest("", "", "1", kSorts, "-updated_at").ok());
  EXPECT_TRUE(MakePageRequest("", "", "500", kSorts, "-updated_at").ok());
}

TEST(PagingTest, CursorRoundTrip) {
  auto p = MakePageRequest("-updated_at", "", "2", kSorts, "-updated_at");
  ASSERT_TRUE(p.ok());
  std::vector<Row> rows = {{5, "e", 500}, {4, "d", 400}, {3, "c", 300}};
  Page<Row> page = MakePage(rows, *p, [](const Row& r) { return std::make_pair(std::string(), r.updated_at); });
  ASSERT_EQ(page.items.size(), 2u);
  ASSERT_TRUE(page.next_cursor.has_value());
  auto next = MakePageRequest("-updated_at", *page.next_cursor, "2", kSorts, "-updated_at");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_TRUE(next->has_cursor);
  EXPECT_EQ(next->cursor_number, 400);
  EXPECT_EQ(next->cursor_id, 4);

  auto by_name = MakePageRequest("name", "", "1", kSorts, "-updated_at");
  ASSERT_TRUE(by_name.ok());
  Page<Row> named = MakePage(rows, *by_name, [](const Row& r) { return std::make_pair(r.name, int64_t{0}); });
  ASSERT_TRUE(named.next_cursor.has_value());
  auto cont = MakePageRequest("name", *named.next_cursor, "1", kSorts, "-updated_at");
  ASSERT_TRUE(cont.ok());
  EXPECT_EQ(cont->cursor_text, "e");
  EXPECT_EQ(cont->cursor_id, 5);
  // The last page has no cursor.
  Page<Row> last = MakePage(std::vector<Row>{{1, "a", 1}}, *p, [](const Row& r) { return std::make_pair(std::string(), r.updated_at); });
  EXPECT_FALSE(last.next_cursor.has_value());
  // Unicode text survives the round trip.
  std::string cursor = MakeCursor(*by_name, "杭州 \"quoted\"", 0, 9);
  auto unicode = MakePageRequest("name", cursor, "", kSorts, "-updated_at");
  ASSERT_TRUE(unicode.ok());
  EXPECT_EQ(unicode->cursor_text, "杭州 \"quoted\"");
}

std::string Encode(const std::string& raw) {
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

TEST(PagingTest, TamperedOrForeignCursorsAreRefused) {
  auto p = MakePageRequest("-updated_at", "", "", kSorts, "-updated_at");
  ASSERT_TRUE(p.ok());
  const std::string good = MakeCursor(*p, "", 400, 4);
  ASSERT_TRUE(MakePageRequest("-updated_at", good, "", kSorts, "-updated_at").ok());
  std::vector<std::string> bad = {
      "garbage!!",
      good + "x",
      good.substr(0, good.size() - 2),
      std::string(3000, 'A'),
      Encode("[\"-updated_at\",\"400\",4]"),    // text where a number belongs
      Encode("[\"-updated_at\",400]"),          // no id
      Encode("[\"-updated_at\",400,\"4\"]"),    // id not a number
      Encode("[\"updated_at\",400,4]"),         // made for another direction
      Encode("[\"name\",\"x\",4]"),             // made for another sort
      Encode("{\"a\":1}"),
      Encode("not json"),
      Encode("[\"-updated_at\",400,4,5]"),
  };
  for (const auto& c : bad) {
    auto r = MakePageRequest("-updated_at", c, "", kSorts, "-updated_at");
    ASSERT_FALSE(r.ok()) << c;
    EXPECT_EQ(r.status().field_errors()[0].field, "cursor");
  }
  // A cursor for the same sort, reused with the other direction, is refused too.
  EXPECT_FALSE(MakePageRequest("updated_at", good, "", kSorts, "-updated_at").ok());
}

}  // namespace
}  // namespace salesdb
