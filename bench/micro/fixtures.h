// Realistic rows for the micro-benchmarks, shaped like `salesdb seed` output.
#pragma once

#include <string>
#include <vector>

#include "domain/entities.h"

namespace salesdb::bench {

inline Customer SampleCustomer(int64_t id) {
  Customer c;
  c.id = id;
  c.name = id % 3 == 0 ? "Summit Analytics Pte. Ltd." : "上海云帆信息技术有限公司";
  c.industry = "manufacturing";
  c.region = "east_china";
  c.tier = "enterprise";
  c.status = "active";
  c.owner_id = 12;
  c.owner_name = "王伟";
  c.tags = {"vip", "renewal-risk"};
  c.website = "https://example-" + std::to_string(id) + ".com";
  c.notes = "Evaluating Dify Enterprise for an internal knowledge assistant; security review in progress.";
  c.active_license_count = 2;
  c.meta = {3, 1764000000000 + id, 1764100000000 + id, 1, 12};
  return c;
}

inline std::vector<Customer> SampleCustomers(int n) {
  std::vector<Customer> out;
  for (int i = 1; i <= n; ++i) out.push_back(SampleCustomer(100000 - i));
  return out;
}

}  // namespace salesdb::bench
