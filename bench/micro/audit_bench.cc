// The audit chain hash computed inside every write transaction (and per row by `audit verify`), and
// the redaction every entry passes through before it is hashed.
#include <benchmark/benchmark.h>

#include "audit/audit_log.h"
#include "audit/redact.h"
#include "domain/masking.h"
#include "domain/entity_json.h"
#include "fixtures.h"

namespace salesdb {
namespace {

void BM_AuditHash(benchmark::State& state) {
  AuditEntry e;
  e.at = 1764100000000;
  e.actor_id = 12;
  e.actor_role = "sales_rep";
  e.ip = "10.1.2.3";
  e.user_agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
  e.request_id = "9f2c4e1a7b3d5f60";
  e.action = "customer.update";
  e.entity = "customer";
  e.entity_id = 4242;
  Customer before = bench::SampleCustomer(4242);
  Customer after = before;
  after.status = "churned";
  e.before_json = ToJson(before).dump();
  e.after_json = ToJson(after).dump();
  std::string prev(64, 'a');
  for (auto _ : state) {
    std::string h = AuditLog::ComputeHash(e, prev);
    benchmark::DoNotOptimize(h);
  }
}
BENCHMARK(BM_AuditHash);

// Redaction of an activity's after_json as the domain hands it over (its marker in place of the
// body): a parse and a re-serialisation per entry.
void BM_AuditRedact(benchmark::State& state) {
  Activity a;
  a.id = 123456;
  a.customer_id = 4242;
  a.type = "call";
  a.subject = "Quarterly check-in";
  a.body = kEncryptedMarker;
  a.occurred_at = 1764100000000;
  a.meta.created_at = a.meta.updated_at = 1764100000000;
  a.meta.created_by = a.meta.updated_by = 12;
  const std::string text = ToJson(a).dump();
  for (auto _ : state) {
    std::string out = audit::RedactAuditJson("activity", text);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_AuditRedact);

}  // namespace
}  // namespace salesdb
