// Keyset cursors: made for every page with a successor, parsed and checked for every ?cursor=.
#include <benchmark/benchmark.h>

#include "domain/paging.h"

namespace salesdb {
namespace {

const std::vector<SortField> kAllowed = {{"updated_at", true}, {"created_at", true}, {"name", false}};

void BM_CursorEncode(benchmark::State& state) {
  auto page = MakePageRequest("-updated_at", "", "50", kAllowed, "-updated_at");
  for (auto _ : state) {
    std::string c = MakeCursor(*page, "", 1764100099950, 99950);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_CursorEncode);

void BM_CursorDecode(benchmark::State& state) {
  auto first = MakePageRequest("-updated_at", "", "50", kAllowed, "-updated_at");
  std::string cursor = MakeCursor(*first, "", 1764100099950, 99950);
  for (auto _ : state) {
    auto page = MakePageRequest("-updated_at", cursor, "50", kAllowed, "-updated_at");
    if (!page.ok() || !page->has_cursor) state.SkipWithError("cursor rejected");
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_CursorDecode);

void BM_CursorDecodeText(benchmark::State& state) {
  auto first = MakePageRequest("name", "", "50", kAllowed, "-updated_at");
  std::string cursor = MakeCursor(*first, "上海云帆信息技术有限公司", 0, 99950);
  for (auto _ : state) {
    auto page = MakePageRequest("name", cursor, "50", kAllowed, "-updated_at");
    if (!page.ok() || !page->has_cursor) state.SkipWithError("cursor rejected");
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_CursorDecodeText);

}  // namespace
}  // namespace salesdb
