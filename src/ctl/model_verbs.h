// The verbs of `zenhubctl model`, apart from their command-line wiring (model_command.cpp).
// Each returns nothing and throws for failures; model_command.cpp maps exceptions to exit codes
// (store::ModelError and BadUsage: 2, store::NotFoundError and store::StoreError: 1).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

namespace zenhub::ctl {

struct BadUsage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ModelContext {
  std::string storeUri;
  bool json = false;
  std::ostream* out = nullptr;
};

void modelInit(const ModelContext& ctx);
void modelLoad(const ModelContext& ctx, const std::string& file);
void modelExport(const ModelContext& ctx, const std::string& file);
void modelGet(const ModelContext& ctx, const std::string& path, bool resolve);
void modelLs(const ModelContext& ctx, const std::string& path, bool recursive);
void modelSet(const ModelContext& ctx, const std::string& path, const std::vector<std::string>& assignments,
              const std::vector<std::string>& unset);
void modelMove(const ModelContext& ctx, const std::string& path, const std::string& newParent);
void modelRemove(const ModelContext& ctx, const std::string& path);
void modelChanges(const ModelContext& ctx, std::int64_t since, std::int64_t limit);
void modelCompact(const ModelContext& ctx, std::int64_t keep);
struct GenerateArgs {
  std::int64_t devices = 1000;
  std::int64_t collectors = 10;
  std::uint64_t seed = 1;
  std::string out;  // write YAML here instead of loading into the store
};
void modelGenerate(const ModelContext& ctx, const GenerateArgs& args);

}  // namespace zenhub::ctl
