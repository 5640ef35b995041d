// Per-listener options of config services (getService's `options`): today the device split of
// ZenHub's configDispatch, for a collector that runs as several instances each taking a share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zenhub::services {

class ListenerOptions {
 public:
  // All devices.
  ListenerOptions() = default;
  // Parses `options` for `service`: accepts "workers" (the number of instances, >= 1) and
  // "workerId" (this instance, 0 <= workerId < workers), which come together. Anything else,
  // or a bad value, throws zenhub.badOption naming the key and what is accepted.
  static ListenerOptions parse(std::string_view service,
                               const std::vector<std::pair<std::string, std::string>>& options);

  // Whether this listener takes device `id`: device ids are spread over the instances by a
  // stable hash (the same on every worker and every run), like ZenHub's configDispatch.
  bool takes(std::string_view deviceId) const;

  std::int64_t workers() const { return workers_; }
  std::int64_t workerId() const { return workerId_; }

 private:
  std::int64_t workers_ = 1;
  std::int64_t workerId_ = 0;
};

// FNV-1a, 64 bits: stable across processes and builds (std::hash is not).
std::uint64_t stableHash(std::string_view text);

}  // namespace zenhub::services
