#include "store/event_store.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>

#include "store/database.h"
#include "store/event_schema.h"
#include "store/json_codec.h"
#include "store/pg_database.h"
#include "store/sqlite_database.h"
#include "store/store_uri.h"

namespace zenhub::store {

namespace {

// Serialises event writers on PostgreSQL (two workers inserting the same new fingerprint would
// otherwise collide on the open-fingerprint index); SQLite's write lock already does.
constexpr const char* kPgEventLock = "SELECT pg_advisory_xact_lock(7246319)";
// Fingerprints looked up per query.
constexpr size_t kLookupChunk = 500;

std::int64_t toMicros(double seconds) {
  return static_cast<std::int64_t>(std::llround(seconds * 1e6));
}
double fromMicros(std::int64_t micros) {
  return static_cast<double>(micros) / 1e6;
}

std::int64_t nowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void appendPart(std::string& out, std::string_view part) {
  for (char c : part) {
    if (c == '|' || c == '\\') out += '\\';
    out += c;
  }
  out += '|';
}

std::string encodeDetails(const std::vector<std::pair<std::string, std::string>>& details) {
  model::Properties p;
  for (const auto& [k, v] : details) p[k] = v;
  return encodeProperties(p);
}

std::vector<std::pair<std::string, std::string>> decodeDetails(const std::string& json) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : decodeProperties(json)) out.emplace_back(k, model::toDisplayString(v));
  return out;
}

// One row to insert: a new event (open) or a clear / an event cleared within the same batch
// (closed).
struct NewRow {
  EventRecord event;
  std::string fingerprint;
  std::string clearKey;
  std::string details;
  std::int64_t count = 1;
  std::int64_t firstSeen = 0;
  std::int64_t lastSeen = 0;
  bool open = true;
  std::int64_t closedAt = 0;
};

// A stored open event repeated in this batch.
struct Bump {
  std::int64_t id = 0;
  std::int64_t add = 0;
  std::int64_t lastSeen = 0;
  const EventRecord* newest = nullptr;
};

}  // namespace

std::string eventClearKey(const EventRecord& e) {
  std::string out;
  appendPart(out, e.device);
  appendPart(out, e.component);
  appendPart(out, e.eventClass);
  appendPart(out, e.eventKey);
  return out;
}

std::string eventFingerprint(const EventRecord& e) {
  return eventClearKey(e) + std::to_string(e.severity);
}

EventStore::EventStore(std::unique_ptr<Database> db) : db_(std::move(db)) {
  migrateEvents(*db_);
}

EventStore::~EventStore() = default;

EventWriteStats EventStore::write(const std::vector<EventRecord>& input) {
  // Severities outside 0..5 are clamped: the clear logic relies on the range.
  std::vector<EventRecord> events = input;
  for (auto& e : events) e.severity = std::clamp(e.severity, 0, 5);
  EventWriteStats stats;
  stats.received = events.size();
  if (events.empty()) return stats;
  std::int64_t now = nowMicros();
  db_->beginWrite();
  try {
    if (db_->backendName() == "postgresql") db_->query(kPgEventLock, {});

    // The open events stored under the batch's fingerprints (under the lock: nobody changes them
    // until we commit).
    std::vector<std::string> fingerprints;
    std::unordered_map<std::string, size_t> firstIndex;
    fingerprints.reserve(events.size());
    for (const auto& e : events) {
      std::string fp = eventFingerprint(e);
      if (e.severity != 0 && firstIndex.emplace(fp, fingerprints.size()).second)
        fingerprints.push_back(fp);
    }
    std::unordered_map<std::string, std::int64_t> storedOpen;  // fingerprint -> id
    for (size_t at = 0; at < fingerprints.size(); at += kLookupChunk) {
      size_t n = std::min(kLookupChunk, fingerprints.size() - at);
      std::string sql = "SELECT fingerprint, id FROM events WHERE is_open = 1 AND fingerprint IN (";
      SqlParams params;
      params.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        sql += (i ? ",$" : "$") + std::to_string(i + 1);
        params.emplace_back(std::string_view(fingerprints[at + i]));
      }
      SqlResult r = db_->query(sql + ")", params);
      for (size_t row = 0; row < r.rows(); ++row)
        storedOpen.emplace(r.text(row, 0), r.integer(row, 1));
    }

    // Fold the batch in order. `open` maps a fingerprint to what holds it open now: a stored row
    // (bumps) or a new row of this batch.
    struct Holder {
      bool stored;
      size_t index;  // into bumps or rows
    };
    std::unordered_map<std::string, Holder> open;
    std::vector<Bump> bumps;
    std::vector<NewRow> rows;
    std::vector<std::string> clearKeys;  // stored open events to close, by clear key
    std::unordered_map<std::string, bool> clearKeySeen;
    for (const auto& e : events) {
      std::int64_t seen = e.timestamp > 0 ? toMicros(e.timestamp) : now;
      std::string fp = eventFingerprint(e);
      if (e.severity == 0) {
        std::string key = eventClearKey(e);
        // Close what this batch opened under the key so far, and (at write time) what was stored:
        // the fingerprints under a clear key differ only by severity, 1..5.
        for (int severity = 1; severity <= 5; ++severity) {
          std::string under = key + std::to_string(severity);
          if (auto it = open.find(under); it != open.end()) {
            if (!it->second.stored) {
              rows[it->second.index].open = false;
              rows[it->second.index].closedAt = seen;
              ++stats.closed;
            }
            open.erase(it);
          }
          storedOpen.erase(under);
        }
        if (clearKeySeen.emplace(key, true).second) clearKeys.push_back(key);
        NewRow row{e, fp, key, encodeDetails(e.details), 1, seen, seen, false, seen};
        rows.push_back(std::move(row));
        ++stats.created;
        continue;
      }
      auto held = open.find(fp);
      if (held == open.end()) {
        if (auto stored = storedOpen.find(fp); stored != storedOpen.end()) {
          bumps.push_back(Bump{stored->second, 0, seen, &e});
          held = open.emplace(fp, Holder{true, bumps.size() - 1}).first;
          storedOpen.erase(stored);
        }
      }
      if (held == open.end()) {
        rows.push_back(
            NewRow{e, fp, eventClearKey(e), encodeDetails(e.details), 1, seen, seen, true, 0});
        open.emplace(fp, Holder{false, rows.size() - 1});
        ++stats.created;
        continue;
      }
      ++stats.deduplicated;
      if (held->second.stored) {
        Bump& b = bumps[held->second.index];
        b.add += 1;
        b.lastSeen = std::max(b.lastSeen, seen);
        b.newest = &e;
      } else {
        NewRow& r = rows[held->second.index];
        r.count += 1;
        r.lastSeen = std::max(r.lastSeen, seen);
        r.event.summary = e.summary;
        r.event.message = e.message;
        r.details = encodeDetails(e.details);
      }
    }

    // Stored events first: close by clear key, then bump (a bump never reopens a closed event).
    for (const auto& key : clearKeys) {
      SqlResult r = db_->query(
          "UPDATE events SET is_open = 0, closed_at = $1 WHERE is_open = 1 AND clear_key = $2 "
          "RETURNING 1",
          {now, std::string_view(key)});
      stats.closed += r.rows();
    }
    for (const auto& b : bumps) {
      std::string details = encodeDetails(b.newest->details);
      db_->query(
          "UPDATE events SET count = count + $1, last_seen = $2, summary = $3, message = $4, "
          "details = $5 "
          "WHERE id = $6",
          {b.add, b.lastSeen, std::string_view(b.newest->summary),
           std::string_view(b.newest->message), std::string_view(details), b.id});
    }
    std::vector<SqlParams> params;
    params.reserve(rows.size());
    for (const auto& r : rows) {
      params.push_back({std::string_view(r.fingerprint), std::string_view(r.clearKey),
                        std::string_view(r.event.device), std::string_view(r.event.component),
                        std::string_view(r.event.eventClass), std::string_view(r.event.eventKey),
                        static_cast<std::int64_t>(r.event.severity),
                        std::string_view(r.event.summary), std::string_view(r.event.message),
                        std::string_view(r.event.agent), std::string_view(r.event.monitor),
                        std::string_view(r.details), r.count, r.firstSeen, r.lastSeen,
                        static_cast<std::int64_t>(r.open ? 1 : 0), r.closedAt});
    }
    db_->insertRows("events",
                    {"fingerprint", "clear_key", "device", "component", "event_class", "event_key",
                     "severity", "summary", "message", "agent", "monitor", "details", "count",
                     "first_seen", "last_seen", "is_open", "closed_at"},
                    params);
    db_->commit();
  } catch (...) {
    try {
      db_->rollback();
    } catch (const std::exception&) {
      // The connection is gone; nothing was committed.
    }
    throw;
  }
  ++transactions_;
  return stats;
}

std::vector<StoredEvent> EventStore::list(const EventQuery& query) {
  std::string sql =
      "SELECT id, device, component, event_class, event_key, severity, summary, message, agent, "
      "monitor, details, "
      "count, first_seen, last_seen, is_open, closed_at FROM events WHERE 1 = 1";
  SqlParams params;
  std::string classBelow = query.eventClass + "/";
  std::string classEnd = query.eventClass + "0";
  auto next = [&] { return "$" + std::to_string(params.size() + 1); };
  if (query.open) {
    sql += " AND is_open = " + next();
    params.emplace_back(static_cast<std::int64_t>(*query.open ? 1 : 0));
  }
  if (!query.device.empty()) {
    sql += " AND device = " + next();
    params.emplace_back(std::string_view(query.device));
  }
  if (!query.component.empty()) {
    sql += " AND component = " + next();
    params.emplace_back(std::string_view(query.component));
  }
  if (!query.eventClass.empty()) {
    // The class itself or anything below it: "/Status/" < c < "/Status0" ('0' follows '/').
    sql += " AND (event_class = " + next();
    params.emplace_back(std::string_view(query.eventClass));
    sql += " OR (event_class > " + next();
    params.emplace_back(std::string_view(classBelow));
    sql += " AND event_class < " + next() + "))";
    params.emplace_back(std::string_view(classEnd));
  }
  if (query.minSeverity > 0) {
    sql += " AND severity >= " + next();
    params.emplace_back(static_cast<std::int64_t>(query.minSeverity));
  }
  sql += " ORDER BY last_seen DESC, id DESC LIMIT " + next();
  params.emplace_back(std::max<std::int64_t>(0, query.limit));

  db_->beginRead();
  SqlResult r;
  try {
    r = db_->query(sql, params);
    db_->commit();
  } catch (...) {
    try {
      db_->rollback();
    } catch (const std::exception&) {
    }
    throw;
  }
  std::vector<StoredEvent> out;
  out.reserve(r.rows());
  for (size_t i = 0; i < r.rows(); ++i) {
    StoredEvent s;
    s.id = r.integer(i, 0);
    s.event.device = r.text(i, 1);
    s.event.component = r.text(i, 2);
    s.event.eventClass = r.text(i, 3);
    s.event.eventKey = r.text(i, 4);
    s.event.severity = static_cast<int>(r.integer(i, 5));
    s.event.summary = r.text(i, 6);
    s.event.message = r.text(i, 7);
    s.event.agent = r.text(i, 8);
    s.event.monitor = r.text(i, 9);
    s.event.details = decodeDetails(r.text(i, 10));
    s.count = r.integer(i, 11);
    s.firstSeen = fromMicros(r.integer(i, 12));
    s.lastSeen = fromMicros(r.integer(i, 13));
    s.event.timestamp = s.lastSeen;
    s.open = r.integer(i, 14) == 1;
    s.closedAt = fromMicros(r.integer(i, 15));
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<PingIssue> EventStore::pingIssues() {
  EventQuery query;
  query.open = true;
  query.eventClass = "/Status/Ping";
  query.minSeverity = 3;
  query.limit = 1000000;
  std::vector<PingIssue> out;
  for (const auto& e : list(query)) {
    PingIssue issue{e.event.device, e.event.component, e.count};
    for (const auto& [k, v] : e.event.details) {
      if (k == "ipAddress") issue.ipAddress = v;
    }
    out.push_back(std::move(issue));
  }
  std::sort(out.begin(), out.end(),
            [](const PingIssue& a, const PingIssue& b) { return a.device < b.device; });
  return out;
}

std::unique_ptr<EventStore> openEventStore(const std::string& uri, const OpenOptions& options) {
  StoreUri parsed = parseStoreUri(uri);
  std::unique_ptr<Database> db;
  if (parsed.kind == StoreUri::Kind::kPostgres) {
    db = std::make_unique<PgDatabase>(parsed.location);
  } else {
    db = std::make_unique<SqliteDatabase>(uri, parsed.location, options.create,
                                          options.busyTimeoutMs);
  }
  return std::make_unique<EventStore>(std::move(db));
}

}  // namespace zenhub::store
