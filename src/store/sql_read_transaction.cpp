#include "store/sql_transactions.h"

namespace zenhub::store {

SqlReadTransaction::SqlReadTransaction(Database& db, bool& busy) : db_(db), busy_(busy), reader_(db) {
  if (busy_) throw StoreError("store: a transaction is already open on this Store (one at a time)");
  db_.beginRead();
  busy_ = true;
}

SqlReadTransaction::~SqlReadTransaction() {
  busy_ = false;
  try {
    db_.rollback();  // read-only: nothing to keep
  } catch (const std::exception&) {
    // The connection is gone; the next transaction reconnects or reports it.
  }
}

}  // namespace zenhub::store
