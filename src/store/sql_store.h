// The Store over a Database: one implementation for both backends (the backends differ only in
// their Database: SQL dialect, snapshot mode, bulk insert, oid allocation).
#pragma once

#include <memory>

#include "store/database.h"
#include "store/store.h"

namespace zenhub::store {

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<Database> db, std::function<void(std::int64_t)> beforeCommit)
      : db_(std::move(db)), beforeCommit_(std::move(beforeCommit)) {}

  std::string_view backendName() const override { return db_->backendName(); }
  std::unique_ptr<ReadTransaction> read() override;
  std::unique_ptr<WriteTransaction> write() override;
  ChangeBatch changesSince(Cursor cursor, std::int64_t maxTransactions) override;
  CompactResult compactFeed(std::int64_t keepTransactions) override;

 private:
  std::unique_ptr<Database> db_;
  std::function<void(std::int64_t)> beforeCommit_;  // OpenOptions::beforeCommit
  bool busy_ = false;  // a transaction holds the connection
};

}  // namespace zenhub::store
