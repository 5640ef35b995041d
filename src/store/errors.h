// The store's exceptions. Callers catch them at the edge (a CLI verb, a service call):
//   StoreError     the store itself failed: cannot be opened, SQL failed, connection lost.
//   ModelError     a request the model refuses (bad input): wrong class, bad YAML, bad value.
//                  Carries every issue found, each already located ("file.yaml:12:5: ...").
//   NotFoundError  a path or oid that does not exist.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace zenhub::store {

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ModelError : public std::runtime_error {
 public:
  explicit ModelError(std::string issue) : ModelError(std::vector<std::string>{std::move(issue)}) {}
  explicit ModelError(std::vector<std::string> issues)
      : std::runtime_error(join(issues)), issues_(std::move(issues)) {}
  const std::vector<std::string>& issues() const { return issues_; }

 private:
  static std::string join(const std::vector<std::string>& issues) {
    std::string out;
    for (const auto& i : issues) out += (out.empty() ? "" : "\n") + i;
    return out;
  }
  std::vector<std::string> issues_;
};

struct NotFoundError : ModelError {
  using ModelError::ModelError;
};

}  // namespace zenhub::store
