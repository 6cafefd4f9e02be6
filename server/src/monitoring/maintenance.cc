#include "monitoring/maintenance.h"

namespace salesdb::monitoring {

bool Maintenance::Admit() {
  std::lock_guard<std::mutex> lock(mu_);
  if (active_) return false;
  ++in_flight_;
  return true;
}

void Maintenance::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
  }
  cv_.notify_all();
}

Status Maintenance::Begin(const std::string& phase, int keep, std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  if (active_) return FailedPrecondition("maintenance is on already");
  active_ = true;
  phase_ = phase;
  if (!cv_.wait_for(lock, wait, [&] { return in_flight_ <= keep; })) {
    active_ = false;
    phase_.clear();
    return Unavailable(std::to_string(in_flight_ - keep) + " request(s) still running after " +
                       std::to_string(wait.count() / 1000) + " s; nothing was changed, try again")
        .WithRetryAfter(5);
  }
  return Status::Ok();
}

void Maintenance::SetPhase(const std::string& phase) {
  std::lock_guard<std::mutex> lock(mu_);
  if (active_) phase_ = phase;
}

void Maintenance::End() {
  std::lock_guard<std::mutex> lock(mu_);
  active_ = false;
  phase_.clear();
}

bool Maintenance::active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_;
}

std::string Maintenance::phase() const {
  std::lock_guard<std::mutex> lock(mu_);
  return phase_;
}

int64_t Maintenance::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_;
}

}  // namespace salesdb::monitoring
