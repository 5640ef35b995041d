// Events: what collectors and the hub report (a device down, a threshold crossed, a heartbeat),
// stored in the model's store (same SQLite file or PostgreSQL database, tables of their own).
//
// De-duplication: an event's fingerprint is (device, component, event class, event key,
// severity). While an event with that fingerprint is open, a repeat bumps its count and last-seen
// time (and takes the newest summary and message) instead of adding a row.
// Clearing: an event of severity 0 closes every open event with the same device, component,
// event class and key (whatever their severity); the clear itself is kept, closed, as history.
// A repeat that arrives after a clear opens a new event.
//
// Writes are batched: write() stores a whole batch in one transaction with a handful of
// statements (a burst of 10,000 events is one transaction), so event storms do not cost a
// transaction per event. Concurrent writers (several workers) are serialised per batch.
//
// Threading: like a Store, an EventStore is one connection used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/store.h"

namespace zenhub::store {

class Database;

// An event as reported.
struct EventRecord {
  std::string device;
  std::string component;
  std::string eventClass;  // e.g. "/Status/Ping"
  std::string eventKey;
  std::string summary;
  std::string message;
  int severity = 0;      // 0 clear, 1 debug, 2 info, 3 warning, 4 error, 5 critical
  std::string agent;     // the daemon that sent it
  std::string monitor;   // its collector
  double timestamp = 0;  // seconds since the epoch; 0 = when it is stored
  std::vector<std::pair<std::string, std::string>> details;
};

// An event as stored.
struct StoredEvent {
  std::int64_t id = 0;
  EventRecord event;  // the newest occurrence's summary, message and details
  std::int64_t count = 1;
  double firstSeen = 0;
  double lastSeen = 0;
  bool open = true;
  double closedAt = 0;  // 0 while open
};

struct EventWriteStats {
  size_t received = 0;
  size_t created = 0;       // new rows (including the clears kept as history)
  size_t deduplicated = 0;  // repeats folded into an open event
  size_t closed = 0;        // open events closed by clears
};

struct EventQuery {
  std::optional<bool> open;  // nullopt: open and closed
  std::string device;        // exact; empty = any
  std::string component;     // exact; empty = any
  std::string eventClass;    // this class and below ("/Status" matches "/Status/Ping"); empty = any
  int minSeverity = 0;
  std::int64_t limit = 100;  // newest first (by last seen)
};

struct PingIssue {
  std::string device;
  std::string ipAddress;  // the event's "ipAddress" detail, else the component
  std::int64_t count = 0;
};

class EventStore {
 public:
  explicit EventStore(std::unique_ptr<Database> db);
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Stores a batch in one transaction. Throws StoreError when the store fails (nothing stored).
  EventWriteStats write(const std::vector<EventRecord>& events);
  std::vector<StoredEvent> list(const EventQuery& query);
  // Open ping-down events (class /Status/Ping, severity >= 3), by device.
  std::vector<PingIssue> pingIssues();
  // Write transactions this connection committed (for tests and stats).
  std::int64_t transactions() const { return transactions_; }

 private:
  std::unique_ptr<Database> db_;
  std::int64_t transactions_ = 0;
};

// Opens the events of the store at `uri` (an existing store: `zenhubctl model init` creates it),
// creating the event tables on first use. Its own connection, apart from the model's.
std::unique_ptr<EventStore> openEventStore(const std::string& uri, const OpenOptions& options = {});

// "device|component|class|key|severity", with the separator escaped inside the parts.
std::string eventFingerprint(const EventRecord& event);
// The same without the severity: what a clear matches.
std::string eventClearKey(const EventRecord& event);

}  // namespace zenhub::store
