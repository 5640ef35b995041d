#include "store/sql_reader.h"

#include <algorithm>
#include <iterator>

#include "store/json_codec.h"

namespace zenhub::store {

namespace {
std::vector<Object> rowsToObjects(const SqlResult& r) {
  std::vector<Object> objects;
  objects.reserve(r.rows());
  for (size_t i = 0; i < r.rows(); ++i) {
    Object o;
    o.oid = r.integer(i, 0);
    o.parent = r.integer(i, 1);
    o.path = r.text(i, 2);
    o.id = r.text(i, 3);
    o.className = r.text(i, 4);
    o.properties = decodeProperties(r.text(i, 5));
    objects.push_back(std::move(o));
  }
  return objects;
}
}  // namespace

std::vector<Object> SqlReader::select(const std::string& where, const SqlParams& params) {
  return rowsToObjects(db_.query(std::string("SELECT ") + kColumns + " FROM objects " + where, params));
}

std::optional<Object> SqlReader::get(std::string_view path) {
  auto objects = select("WHERE path = $1", {path});
  if (objects.empty()) return std::nullopt;
  return std::move(objects.front());
}

std::optional<Object> SqlReader::getByOid(Oid oid) {
  auto objects = select("WHERE oid = $1", {oid});
  if (objects.empty()) return std::nullopt;
  return std::move(objects.front());
}

std::vector<Object> SqlReader::children(Oid parent) {
  return select("WHERE parent = $1 ORDER BY path", {parent});
}

std::vector<Object> SqlReader::subtree(std::string_view path) {
  std::string lo = std::string(path) + "/";
  std::string hi = std::string(path) + "0";
  return select(std::string("WHERE ") + kSubtreeCondition + " ORDER BY path", {path, lo, hi});
}

std::vector<SqlReader::Ref> SqlReader::subtreeRefs(std::string_view path) {
  std::string lo = std::string(path) + "/";
  std::string hi = std::string(path) + "0";
  SqlResult r =
      db_.query(std::string("SELECT oid, path, class FROM objects WHERE ") + kSubtreeCondition, {path, lo, hi});
  std::vector<Ref> refs;
  refs.reserve(r.rows());
  for (size_t i = 0; i < r.rows(); ++i) refs.push_back(Ref{r.integer(i, 0), r.text(i, 1), r.text(i, 2)});
  return refs;
}

std::vector<Object> SqlReader::ofClass(std::string_view className) {
  return select("WHERE class = $1 ORDER BY path", {className});
}

std::vector<Object> SqlReader::devicesOfCollector(std::string_view collector) {
  // The class test is redundant (only devices have a collector) but keeps the answer right
  // should that ever change; the partial index objects_collector answers the equality.
  return select("WHERE collector = $1 AND class = 'Device' ORDER BY path", {collector});
}

std::vector<Object> SqlReader::childrenOf(const std::vector<Oid>& parents) {
  // Each batch is one `parent IN (...)` query on the parent index, over consecutive parents in
  // oid order, so that the batches' rows come out in (parent, path) order without sorting them
  // here. Batches come in a few fixed sizes, padded with kNoOid (no object has it as a parent:
  // the roots' parent is NULL), so that SQLite's statement cache holds a few statements, not
  // one per size.
  constexpr size_t kBatchSizes[] = {16, 128, 1024};
  std::vector<Oid> distinct(parents);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<Object> out;
  if (db_.backendName() == "postgresql" && !distinct.empty()) {
    // PostgreSQL takes the whole set as one array parameter: one statement, one plan.
    std::string array = "{";
    for (Oid oid : distinct) array += (array.size() > 1 ? "," : "") + std::to_string(oid);
    array += "}";
    out = select("WHERE parent = ANY($1::bigint[]) ORDER BY parent, path", {array});
    distinct.clear();
  }
  SqlParams params;
  for (size_t start = 0; start < distinct.size();) {
    size_t left = distinct.size() - start;
    size_t size = kBatchSizes[std::size(kBatchSizes) - 1];
    for (size_t s : kBatchSizes) {
      if (s >= left) {
        size = s;
        break;
      }
    }
    std::string where = "WHERE parent IN (";
    params.clear();
    for (size_t i = 0; i < size; ++i) {
      where += (i == 0 ? "$" : ",$") + std::to_string(i + 1);
      params.emplace_back(start + i < distinct.size() ? distinct[start + i] : model::kNoOid);
    }
    where += ") ORDER BY parent, path";
    auto batch = select(where, params);
    if (out.empty()) {
      out = std::move(batch);
    } else {
      out.insert(out.end(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
    }
    start += std::min(size, left);
  }
  return out;
}

std::vector<Object> SqlReader::all() { return select("ORDER BY path", {}); }

size_t SqlReader::count() {
  return static_cast<size_t>(db_.query("SELECT count(*) FROM objects", {}).integer(0, 0));
}

Cursor SqlReader::feedCursor() {
  return db_.query("SELECT last_tid FROM feed_state WHERE id = 1", {}).integer(0, 0);
}

}  // namespace zenhub::store
