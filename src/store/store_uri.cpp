#include "store/store_uri.h"

#include "store/errors.h"

namespace zenhub::store {

StoreUri parseStoreUri(const std::string& uri) {
  auto startsWith = [&uri](std::string_view prefix) { return uri.rfind(prefix, 0) == 0; };
  if (startsWith("postgresql://") || startsWith("postgres://")) {
    return {StoreUri::Kind::kPostgres, uri};
  }
  if (startsWith("sqlite:")) {
    // sqlite:///abs/path -> /abs/path; sqlite://rel/path and sqlite:rel/path -> rel/path,
    // relative to the working directory.
    std::string rest = uri.substr(7);
    if (rest.rfind("//", 0) == 0) rest = rest.substr(2);
    if (rest.empty()) throw StoreError("store URI " + uri + " names no file");
    return {StoreUri::Kind::kSqlite, rest};
  }
  throw StoreError("unsupported store URI '" + uri +
                   "' (expected sqlite:///path/model.db or postgresql://user@host:port/db)");
}

}  // namespace zenhub::store
