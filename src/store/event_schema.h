// The event tables' schema, per backend, and bringing it up to date. The events have their own
// version table (event_schema_version), apart from the model's schema_version, so that the model's
// migrations and the events' evolve independently.
#pragma once

#include "store/database.h"

namespace zenhub::store {

// Creates or upgrades the event tables (in its own transaction, under the migration lock).
void migrateEvents(Database& db);

}  // namespace zenhub::store
