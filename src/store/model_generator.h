// Large models made up deterministically, for benchmarks and scale tests: the same options give
// the same model on every machine (our own PRNG use, no std distributions, whose output the
// standard leaves to the implementation).
#pragma once

#include <cstdint>
#include <vector>

#include "store/store.h"

namespace zenhub::store {

struct GeneratorOptions {
  std::int64_t devices = 1000;
  std::int64_t collectors = 10;  // "localhost" plus collector002..; devices spread round-robin
  std::uint64_t seed = 1;
};

// Collectors, a handful of device classes with zProperties and templates, and the devices with
// their components (interfaces, file systems, processes, IP services), parents first.
std::vector<ObjectSpec> generateModel(const GeneratorOptions& options);

}  // namespace zenhub::store
