// Drives ping load against a hub-protocol server (zenhub or the baseline): `connections`
// connections, each logged in and keeping `inFlight` pings outstanding, for `duration`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace zenhub::bench {

struct LoadResult {
  uint64_t calls = 0;
  double seconds = 0;
  double callsPerSecond() const { return seconds > 0 ? static_cast<double>(calls) / seconds : 0; }
};

// What each call of the load is: the hub's own ping, or a service call that the hub forwards
// to a worker (PingConfig.getConfigProperties of the collector `localhost`: a small read).
enum class CallKind { kHubPing, kServiceCall };

// Runs on the calling thread with its own KJ loop. Throws kj::Exception on connection errors.
LoadResult runPingLoad(uint16_t port, int connections, int inFlight, std::chrono::milliseconds duration,
                       const std::string& user, const std::string& password,
                       CallKind kind = CallKind::kHubPing);

// One connection, one call at a time, for `duration`: the round trip of each call in
// microseconds (after one warm-up call). Runs on the calling thread with its own KJ loop.
std::vector<double> sampleRoundTrips(uint16_t port, std::chrono::milliseconds duration, const std::string& user,
                                     const std::string& password, CallKind kind = CallKind::kHubPing);

// Connects and logs in `count` times in a row (a fresh connection each time); returns logins/s.
double runLogins(uint16_t port, int count, const std::string& user, const std::string& password);

// Serves Login/Hub.ping with a plain capnp::EzRpcServer on 127.0.0.1:0 (the baseline: Cap'n
// Proto's own event loop, no asio, no login check) and writes the port to `portFile`. Runs
// until killed.
int serveBaseline(const std::string& portFile);

}  // namespace zenhub::bench
