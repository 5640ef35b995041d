#include "store/sql_reader.h"

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

std::vector<Object> SqlReader::all() { return select("ORDER BY path", {}); }

size_t SqlReader::count() {
  return static_cast<size_t>(db_.query("SELECT count(*) FROM objects", {}).integer(0, 0));
}

Cursor SqlReader::feedCursor() {
  return db_.query("SELECT last_tid FROM feed_state WHERE id = 1", {}).integer(0, 0);
}

}  // namespace zenhub::store
