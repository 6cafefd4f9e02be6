// The body of the customer list answer: 50 customers → JSON, as PageJson renders it.
#include <benchmark/benchmark.h>

#include "api/api.h"
#include "fixtures.h"

namespace salesdb {
namespace {

void BM_RenderCustomerPage50(benchmark::State& state) {
  Page<Customer> page;
  page.items = bench::SampleCustomers(50);
  page.next_cursor = "WzE3NjQxMDAwMDAwNTAsOTk5NTBd";
  size_t bytes = 0;
  for (auto _ : state) {
    api::Response r = api::PageJson(page);
    bytes = r.body.size();
    benchmark::DoNotOptimize(r.body.data());
  }
  // Bytes of JSON per second (no user counters: the CSV that bench/run.sh reads needs the same
  // columns on every row).
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_RenderCustomerPage50);

void BM_CustomerToJson(benchmark::State& state) {
  Customer c = bench::SampleCustomer(4242);
  for (auto _ : state) {
    nlohmann::json j = ToJson(c);
    benchmark::DoNotOptimize(j);
  }
}
BENCHMARK(BM_CustomerToJson);

}  // namespace
}  // namespace salesdb
