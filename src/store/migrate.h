// Brings a store's schema to the newest version on open: each backend lists its migrations
// (version N takes the schema from N-1 to N); the applied version is kept in schema_version.
#pragma once

#include "store/database.h"

namespace zenhub::store {

// Without `create`, a store that has no schema yet is an error (StoreError): opening a mistyped
// path should not silently create an empty model. A store newer than this code is refused.
void migrate(Database& db, const std::string& shownUri, bool create);

}  // namespace zenhub::store
