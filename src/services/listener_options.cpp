#include "services/listener_options.h"

#include <charconv>
#include <optional>

#include "services/errors.h"

namespace zenhub::services {

namespace {

std::optional<std::int64_t> parseInt(const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::uint64_t stableHash(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

ListenerOptions ListenerOptions::parse(
    std::string_view service, const std::vector<std::pair<std::string, std::string>>& options) {
  std::optional<std::int64_t> workers;
  std::optional<std::int64_t> workerId;
  std::string name(service);
  for (const auto& [key, value] : options) {
    if (key == "workers" || key == "workerId") {
      auto number = parseInt(value);
      if (!number)
        throw serviceError("badOption",
                           name + ": option '" + key + "' must be an integer, not '" + value + "'");
      (key == "workers" ? workers : workerId) = *number;
    } else {
      throw serviceError("badOption", name + " does not accept option '" + key +
                                          "' (accepted: workers, workerId)");
    }
  }
  ListenerOptions result;
  if (!workers && !workerId) return result;
  if (!workers || !workerId) {
    throw serviceError("badOption", name + ": options 'workers' and 'workerId' go together");
  }
  if (*workers < 1) throw serviceError("badOption", name + ": option 'workers' must be at least 1");
  if (*workerId < 0 || *workerId >= *workers) {
    throw serviceError("badOption",
                       name + ": option 'workerId' must be in 0.." + std::to_string(*workers - 1));
  }
  result.workers_ = *workers;
  result.workerId_ = *workerId;
  return result;
}

bool ListenerOptions::takes(std::string_view deviceId) const {
  if (workers_ <= 1) return true;
  return stableHash(deviceId) % static_cast<std::uint64_t>(workers_) ==
         static_cast<std::uint64_t>(workerId_);
}

}  // namespace zenhub::services
