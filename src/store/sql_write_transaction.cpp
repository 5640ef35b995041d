#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "store/json_codec.h"
#include "store/model_validate.h"
#include "store/sql_transactions.h"

namespace zenhub::store {

namespace {

std::string_view kindCode(ChangeKind kind) { return kind == ChangeKind::kDeleted ? "d" : "u"; }

std::string locate(const ObjectSpec& spec, const std::string& path) {
  return spec.origin.empty() ? path : spec.origin;
}

// The oids of /Devices, /Monitors and /Monitors/Performance, created with the schema.
bool isBuiltinRoot(Oid oid) { return oid >= 1 && oid <= 3; }

// The `objects` columns a new row fills: collector is deviceCollector() (NULL when none).
const std::vector<std::string> kObjectColumns = {"oid", "parent", "path", "name", "class", "props", "collector"};

SqlParam collectorParam(const std::optional<std::string>& collector) {
  if (!collector) return nullptr;
  return std::string_view(*collector);
}

}  // namespace

std::string checkParentClass(std::string_view className, std::string_view parentClass) {
  const model::ClassRule* rule = model::findClassRule(className);
  if (rule == nullptr) return "unknown class '" + std::string(className) + "'";
  if (std::find(rule->parentClasses.begin(), rule->parentClasses.end(), parentClass) ==
      rule->parentClasses.end()) {
    return "a " + std::string(className) + " cannot live below a " + std::string(parentClass);
  }
  return {};
}

SqlWriteTransaction::SqlWriteTransaction(Database& db, bool& busy,
                                         const std::function<void(std::int64_t)>& beforeCommit)
    : db_(db), busy_(busy), reader_(db), beforeCommit_(beforeCommit) {
  if (busy_) throw StoreError("store: a transaction is already open on this Store (one at a time)");
  db_.beginWrite();
  busy_ = true;
}

SqlWriteTransaction::~SqlWriteTransaction() {
  if (done_) return;
  busy_ = false;
  try {
    db_.rollback();
  } catch (const std::exception&) {
    // The connection is gone; nothing was committed.
  }
}

Object SqlWriteTransaction::mustGet(std::string_view path) {
  auto object = reader_.get(path);
  if (!object) throw NotFoundError(std::string(path) + ": no such object");
  return std::move(*object);
}

void SqlWriteTransaction::record(Oid oid, ChangeKind kind, std::string path, std::string className) {
  auto [it, added] = changed_.try_emplace(oid);
  if (!added && it->second.kind == ChangeKind::kDeleted) return;  // oids are never reused
  it->second = Pending{kind, std::move(path), std::move(className)};
}

void SqlWriteTransaction::writeProperties(Oid oid, const std::string& path, const std::string& className,
                                          const std::string& json, const std::optional<std::string>& collector) {
  // The collector column is derived from the properties: both change together, always.
  db_.query("UPDATE objects SET props = $1, collector = $3 WHERE oid = $2",
            {json, oid, collectorParam(collector)});
  record(oid, ChangeKind::kUpdated, path, className);
}

Oid SqlWriteTransaction::put(const ObjectSpec& spec) {
  std::string path = spec.path();
  if (auto problem = checkId(spec.id, spec.className); !problem.empty()) throw ModelError(locate(spec, path) + ": " + problem);
  std::string json = encodeProperties(spec.properties);
  if (auto existing = reader_.get(path)) {
    if (existing->className != spec.className) {
      throw ModelError(locate(spec, path) + ": " + path + " exists as a " + existing->className +
                       ", not a " + spec.className);
    }
    if (!spec.createOnly && encodeProperties(existing->properties) != json) {
      writeProperties(existing->oid, existing->path, existing->className, json,
                      deviceCollector(spec.className, spec.properties));
    }
    return existing->oid;
  }
  auto parent = reader_.get(spec.parentPath);
  if (!parent) throw NotFoundError(locate(spec, path) + ": parent " + spec.parentPath + " does not exist");
  if (auto problem = checkParentClass(spec.className, parent->className); !problem.empty()) {
    throw ModelError(locate(spec, path) + ": " + problem);
  }
  Oid oid = db_.allocateOids(1).front();
  auto collector = deviceCollector(spec.className, spec.properties);
  db_.insertRows("objects", kObjectColumns,
                 {{oid, parent->oid, path, spec.id, spec.className, json, collectorParam(collector)}});
  record(oid, ChangeKind::kUpdated, std::move(path), spec.className);
  return oid;
}

void SqlWriteTransaction::update(std::string_view path, const Properties& set,
                                 const std::vector<std::string>& unset) {
  Object object = mustGet(path);
  std::string before = encodeProperties(object.properties);
  for (const auto& key : unset) object.properties.erase(key);
  for (const auto& [key, value] : set) object.properties.insert_or_assign(key, value);
  std::string after = encodeProperties(object.properties);
  if (after != before) {
    writeProperties(object.oid, object.path, object.className, after, deviceCollector(object));
  }
}

void SqlWriteTransaction::move(std::string_view path, std::string_view newParentPath) {
  Object object = mustGet(path);
  if (isBuiltinRoot(object.oid)) throw ModelError(std::string(path) + ": a root cannot be moved");
  Object parent = mustGet(newParentPath);
  if (auto problem = checkParentClass(object.className, parent.className); !problem.empty()) {
    throw ModelError(std::string(path) + ": " + problem);
  }
  if (parent.path == object.path || parent.path.rfind(object.path + "/", 0) == 0) {
    throw ModelError(std::string(path) + ": cannot move an object below itself");
  }
  std::string newPath = model::childPath(parent.path, object.className, object.id);
  if (newPath == object.path) return;
  if (reader_.get(newPath)) throw ModelError(newPath + " already exists");
  std::vector<SqlReader::Ref> moved = reader_.subtreeRefs(object.path);
  std::string lo = object.path + "/";
  std::string hi = object.path + "0";
  db_.query(std::string("UPDATE objects SET path = $4 || substr(path, $5) WHERE ") + kSubtreeCondition,
            {object.path, lo, hi, newPath, static_cast<std::int64_t>(object.path.size() + 1)});
  db_.query("UPDATE objects SET parent = $1 WHERE oid = $2", {parent.oid, object.oid});
  // Every object below changed its path (and so, possibly, what it acquires): all are updates,
  // each with its new path.
  for (auto& ref : moved) {
    record(ref.oid, ChangeKind::kUpdated, newPath + ref.path.substr(object.path.size()), std::move(ref.className));
  }
}

size_t SqlWriteTransaction::remove(std::string_view path) {
  Object object = mustGet(path);
  if (isBuiltinRoot(object.oid)) throw ModelError(std::string(path) + ": a root cannot be removed");
  std::vector<SqlReader::Ref> gone = reader_.subtreeRefs(object.path);
  std::string lo = object.path + "/";
  std::string hi = object.path + "0";
  db_.query(std::string("DELETE FROM objects WHERE ") + kSubtreeCondition, {object.path, lo, hi});
  for (auto& ref : gone) record(ref.oid, ChangeKind::kDeleted, std::move(ref.path), std::move(ref.className));
  return gone.size();
}

UpsertStats SqlWriteTransaction::upsert(const std::vector<ObjectSpec>& specs) {
  struct Known {
    Oid oid;
    std::string className;
    std::string json;  // the stored properties, canonical JSON
  };
  std::unordered_map<std::string, Known> known;
  // A big load compares against everything in one scan; a small one looks up what it names.
  constexpr size_t kScanThreshold = 256;
  if (specs.size() >= kScanThreshold) {
    SqlResult r = db_.query("SELECT oid, path, class, props FROM objects", {});
    known.reserve(r.rows() + specs.size());
    for (size_t i = 0; i < r.rows(); ++i) {
      known.emplace(r.text(i, 1), Known{r.integer(i, 0), r.text(i, 2), r.text(i, 3)});
    }
  }
  auto lookup = [&](const std::string& path) -> const Known* {
    auto it = known.find(path);
    if (it != known.end()) return &it->second;
    if (specs.size() >= kScanThreshold) return nullptr;
    SqlResult r = db_.query("SELECT oid, class, props FROM objects WHERE path = $1", {path});
    if (r.rows() == 0) return nullptr;
    return &known.emplace(path, Known{r.integer(0, 0), r.text(0, 1), r.text(0, 2)}).first->second;
  };

  std::vector<std::string> issues;
  UpsertStats stats;
  struct NewRow {
    size_t spec;
    std::string path;
    std::string json;
    std::optional<std::string> collector;
    Oid parent;  // kNoOid while the parent is new too: resolved after oids are allocated
    std::string parentPath;
  };
  std::vector<NewRow> inserts;
  struct Update {
    Oid oid;
    std::string path;
    std::string className;
    std::string json;
    std::optional<std::string> collector;
  };
  std::vector<Update> updates;
  std::unordered_map<std::string, size_t> newIndex;  // path -> index in inserts
  for (size_t i = 0; i < specs.size(); ++i) {
    const ObjectSpec& spec = specs[i];
    std::string path = spec.path();
    if (auto problem = checkId(spec.id, spec.className); !problem.empty()) {
      issues.push_back(locate(spec, path) + ": " + problem);
      continue;
    }
    std::string json = encodeProperties(spec.properties);
    if (auto n = newIndex.find(path); n != newIndex.end()) {
      // Named twice in one load: the last wins.
      if (!spec.createOnly) {
        inserts[n->second].json = std::move(json);
        inserts[n->second].collector = deviceCollector(spec.className, spec.properties);
      }
      continue;
    }
    if (const Known* k = lookup(path)) {
      if (k->className != spec.className) {
        issues.push_back(locate(spec, path) + ": " + path + " exists as a " + k->className + ", not a " +
                         spec.className);
      } else if (!spec.createOnly && k->json != json) {
        updates.push_back(Update{k->oid, std::move(path), spec.className, std::move(json),
                                 deviceCollector(spec.className, spec.properties)});
        ++stats.updated;
      } else {
        ++stats.unchanged;
      }
      continue;
    }
    std::string parentClass;
    Oid parentOid = model::kNoOid;
    if (auto n = newIndex.find(spec.parentPath); n != newIndex.end()) {
      parentClass = specs[inserts[n->second].spec].className;
    } else if (const Known* k = lookup(spec.parentPath)) {
      parentClass = k->className;
      parentOid = k->oid;
    } else {
      issues.push_back(locate(spec, path) + ": parent " + spec.parentPath + " does not exist");
      continue;
    }
    if (auto problem = checkParentClass(spec.className, parentClass); !problem.empty()) {
      issues.push_back(locate(spec, path) + ": " + problem);
      continue;
    }
    newIndex.emplace(path, inserts.size());
    inserts.push_back(NewRow{i, std::move(path), std::move(json), deviceCollector(spec.className, spec.properties),
                             parentOid, spec.parentPath});
  }
  if (!issues.empty()) throw ModelError(std::move(issues));

  std::vector<Oid> oids = db_.allocateOids(inserts.size());
  for (size_t i = 0; i < inserts.size(); ++i) {
    if (inserts[i].parent == model::kNoOid) inserts[i].parent = oids[newIndex.at(inserts[i].parentPath)];
  }
  std::vector<SqlParams> rows;
  rows.reserve(inserts.size());
  for (size_t i = 0; i < inserts.size(); ++i) {
    const NewRow& row = inserts[i];
    const ObjectSpec& spec = specs[row.spec];
    rows.push_back({oids[i], row.parent, std::string_view(row.path), std::string_view(spec.id),
                    std::string_view(spec.className), std::string_view(row.json), collectorParam(row.collector)});
  }
  db_.insertRows("objects", kObjectColumns, rows);
  rows.clear();  // it views the paths that move into the feed records now
  for (size_t i = 0; i < inserts.size(); ++i) {
    record(oids[i], ChangeKind::kUpdated, std::move(inserts[i].path), specs[inserts[i].spec].className);
  }
  for (const auto& u : updates) writeProperties(u.oid, u.path, u.className, u.json, u.collector);
  stats.created = inserts.size();
  return stats;
}

std::int64_t SqlWriteTransaction::commit() {
  std::int64_t tid = 0;
  if (!changed_.empty()) {
    // The tid comes from the counter row, last thing before COMMIT. The row lock this UPDATE
    // takes is held until our commit is visible; a concurrent writer's UPDATE waits for it and
    // then reads our value. So tid N+1 cannot exist before tid N is visible, and a reader that
    // sees tid N sees every tid below it: the feed never has a hole behind its cursor.
    tid = db_.query("UPDATE feed_state SET last_tid = last_tid + 1 WHERE id = 1 RETURNING last_tid", {})
              .integer(0, 0);
    std::int64_t committedMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
    std::vector<std::pair<Oid, const Pending*>> sorted;
    sorted.reserve(changed_.size());
    for (const auto& [oid, pending] : changed_) sorted.emplace_back(oid, &pending);
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<SqlParams> rows;
    rows.reserve(sorted.size());
    for (const auto& [oid, p] : sorted) {
      rows.push_back({tid, oid, kindCode(p->kind), std::string_view(p->path), std::string_view(p->className),
                      committedMs});
    }
    db_.insertRows("changes", {"tid", "oid", "kind", "path", "class", "committed_ms"}, rows);
    if (beforeCommit_) beforeCommit_(tid);
  }
  db_.commit();
  done_ = true;
  busy_ = false;  // the connection is free for the next transaction, even while this object lives
  changed_.clear();
  return tid;
}

}  // namespace zenhub::store
