// The pool's clock, passed to its constructor so tests can drive time (the policy itself takes
// time points as arguments and needs no clock at all).
#pragma once

#include <chrono>

namespace zenhub::hub::pool {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
};

class SteadyClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace zenhub::hub::pool
