// Parsing store URIs (store.h's openStore lists the accepted forms).
#pragma once

#include <string>

namespace zenhub::store {

struct StoreUri {
  enum class Kind { kSqlite, kPostgres };
  Kind kind = Kind::kSqlite;
  std::string location;  // SQLite: the file path; PostgreSQL: the URI as given (for libpq)
};

// Throws StoreError for an unknown scheme or an empty path.
StoreUri parseStoreUri(const std::string& uri);

}  // namespace zenhub::store
