// The read half of a store transaction, written once for both backends over Database.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"
#include "store/store.h"

namespace zenhub::store {

class SqlReader {
 public:
  // `db` outlives the reader (both belong to one transaction of one SqlStore).
  explicit SqlReader(Database& db) : db_(db) {}

  std::optional<Object> get(std::string_view path);
  std::optional<Object> getByOid(Oid oid);
  std::vector<Object> children(Oid parent);
  std::vector<Object> subtree(std::string_view path);
  std::vector<Object> ofClass(std::string_view className);
  std::vector<Object> devicesOfCollector(std::string_view collector);
  std::vector<Object> childrenOf(const std::vector<Oid>& parents);
  std::vector<Object> all();
  size_t count();
  Cursor feedCursor();
  // The object at `path` and its subtree, without properties (what move and remove record in the
  // change feed).
  struct Ref {
    Oid oid;
    std::string path;
    std::string className;
  };
  std::vector<Ref> subtreeRefs(std::string_view path);

  // The columns every object query selects, in the order rowsToObjects reads them.
  static constexpr const char* kColumns = "oid, parent, path, name, class, props";

 private:
  std::vector<Object> select(const std::string& where, const SqlParams& params);
  Database& db_;
};

// "$1" matches the path itself, "$2"/"$3" bound the range of its descendants: every path that
// starts with path + "/" sorts between path + "/" and path + "0" ('0' follows '/'), which both
// backends answer from the path index (bytewise collation).
constexpr const char* kSubtreeCondition = "(path = $1 OR (path > $2 AND path < $3))";

}  // namespace zenhub::store
