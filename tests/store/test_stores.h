// Fresh, isolated stores for tests, per backend. A SQLite store is a file in its own temporary
// directory; a PostgreSQL store is its own schema in the server tests/store/pg-start.sh started
// (the ctest fixture "pg"), reached through the URI it wrote. Without that server a PostgreSQL
// store fails the test loudly: it is never skipped.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/store.h"

namespace zenhub::store::testing {

enum class Backend { kSqlite, kPostgres };
std::string backendName(Backend backend);

class TestStore {
 public:
  explicit TestStore(Backend backend);
  ~TestStore();
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  const std::string& uri() const { return uri_; }
  Backend backend() const { return backend_; }
  // A new connection to the store (created on first open).
  std::unique_ptr<Store> open(OpenOptions options = {}) const;
  // A directory for the test's own files; removed with the store.
  const std::string& dir() const { return dir_; }

 private:
  Backend backend_;
  std::string dir_;
  std::string uri_;
  std::string schema_;  // PostgreSQL: the schema to drop
};

// The PostgreSQL server's base URI from pg-start.sh; throws when there is none.
std::string postgresBaseUri();
// Runs one SQL statement on the PostgreSQL server (setup and checks the store API cannot do).
std::string postgresQuery(const std::string& uri, const std::string& sql);

// An object to load: under `parent`, of `className`, named `id`, with `props`.
ObjectSpec spec(std::string parent, std::string_view className, std::string id, Properties props = {});
// The text of config/sample-model.yaml.
std::string sampleModel();

}  // namespace zenhub::store::testing

// Instantiates a value-parameterised suite for both backends: store_sqlite/Suite.Test/sqlite and
// store_pg/Suite.Test/postgresql (ctest runs the second kind with the "pg" fixture's server).
#define ZENHUB_INSTANTIATE_FOR_BACKEND(Suite)                                                                \
  INSTANTIATE_TEST_SUITE_P(store_sqlite, Suite, ::testing::Values(::zenhub::store::testing::Backend::kSqlite), \
                           [](const auto&) { return std::string("sqlite"); });                                \
  INSTANTIATE_TEST_SUITE_P(store_pg, Suite, ::testing::Values(::zenhub::store::testing::Backend::kPostgres),   \
                           [](const auto&) { return std::string("postgresql"); })
