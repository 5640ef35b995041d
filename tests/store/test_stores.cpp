#include "test_stores.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace zenhub::store::testing {

namespace fs = std::filesystem;

ObjectSpec spec(std::string parent, std::string_view className, std::string id, Properties props) {
  return ObjectSpec{std::move(parent), std::string(className), std::move(id), std::move(props), "", false};
}

std::string sampleModel() {
  std::ifstream in(ZENHUB_SOURCE_DIR "/config/sample-model.yaml");
  if (!in) throw std::runtime_error(ZENHUB_SOURCE_DIR "/config/sample-model.yaml cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string backendName(Backend backend) { return backend == Backend::kSqlite ? "sqlite" : "postgresql"; }

std::string postgresBaseUri() {
  if (const char* env = std::getenv("ZENHUB_TEST_PG_URI"); env && *env) return env;
  std::ifstream in(ZENHUB_PG_STATE_DIR "/uri");
  std::string uri;
  if (!in || !std::getline(in, uri) || uri.empty()) {
    throw std::runtime_error("no PostgreSQL test server: " ZENHUB_PG_STATE_DIR
                             "/uri is missing (the ctest fixture store_pg_start writes it)");
  }
  return uri;
}

std::string postgresQuery(const std::string& uri, const std::string& sql) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to " + uri + ": " + msg);
  }
  PGresult* r = PQexec(conn, sql.c_str());
  auto status = PQresultStatus(r);
  std::string out;
  if (status == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0) out = PQgetvalue(r, 0, 0);
  std::string error = (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) ? "" : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(conn);
  if (!error.empty()) throw std::runtime_error("SQL failed: " + sql + ": " + error);
  return out;
}

TestStore::TestStore(Backend backend) : backend_(backend) {
  static std::atomic<int> counter{0};
  std::string tag = std::to_string(::getpid()) + "_" + std::to_string(counter++);
  dir_ = (fs::temp_directory_path() / ("zenhub-store-test-" + tag)).string();
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  if (backend == Backend::kSqlite) {
    uri_ = "sqlite://" + dir_ + "/model.db";
  } else {
    std::string base = postgresBaseUri();
    schema_ = "t_" + tag;
    postgresQuery(base, "CREATE SCHEMA " + schema_);
    uri_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
  }
}

TestStore::~TestStore() {
  if (!schema_.empty()) {
    try {
      postgresQuery(postgresBaseUri(), "DROP SCHEMA " + schema_ + " CASCADE");
    } catch (const std::exception&) {
      // The server is gone already; pg-stop.sh removes everything anyway.
    }
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::unique_ptr<Store> TestStore::open(OpenOptions options) const {
  options.create = true;
  return openStore(uri_, options);
}

}  // namespace zenhub::store::testing
