// ServiceManager on a real SQLite store and a real event loop; the executor is a recording fake
// (the worker pool has its own tests), so this tests naming, instances, listeners and errors.
#include "hub/service_manager.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "hub_process.h"
#include "rpc/errors.h"
#include "rpc/event_port.h"
#include "store/model_loader.h"
#include "store/model_yaml.h"
#include "store/store.h"

namespace zenhub::hub {
namespace {

class RecordingExecutor final : public CallExecutor {
 public:
  kj::Promise<void> execute(const ServiceCallInfo& call,
                            capnp::CallContext<capnp::AnyPointer, capnp::AnyPointer> context) override {
    calls.push_back(call);
    // Answer sendEvents with the number of events, as the real service would.
    auto params = context.getParams().getAs<schema::EventService::SendEventsParams>();
    context.getResults().initAs<schema::EventService::SendEventsResults>().setCount(params.getEvents().size());
    return kj::READY_NOW;
  }
  bool knowsService(std::string_view name) const override { return name == "EventService" || name == "PingConfig"; }
  bool isConfigService(std::string_view name) const override { return name == "PingConfig"; }
  std::vector<ServiceCallInfo> calls;
};

class FakeConnection final : public rpc::ConnectionContext {
 public:
  explicit FakeConnection(uint64_t id) : id_(id) {}
  ~FakeConnection() noexcept(false) override { closeNow(); }
  uint64_t id() const override { return id_; }
  const std::string& peer() const override { return peer_; }
  const std::string& certificateName() const override { return certificateName_; }
  void markAuthenticated() override {}
  bool authenticated() const override { return true; }
  void close(const std::string&) override {}
  void onClose(std::function<void()> hook) override { hooks_.push_back(std::move(hook)); }
  void closeNow() {
    for (auto& h : hooks_) h();
    hooks_.clear();
  }

 private:
  uint64_t id_;
  std::string peer_ = "127.0.0.1:1";
  std::string certificateName_;
  std::vector<std::function<void()>> hooks_;
};

class NullListener final : public schema::ServiceListener<>::Server {};

class ServiceManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uri_ = "sqlite://" + dir_.file("model.db");
    store::OpenOptions options;
    options.create = true;
    store_ = store::openStore(uri_, options);
    addCollector("localhost");
    monitors_ = std::make_unique<MonitorDirectory>(io_, uri_);
    manager_ = std::make_unique<ServiceManager>(executor_, *monitors_, stats_);
  }
  void TearDown() override {
    manager_.reset();
    monitors_.reset();
  }
  void addCollector(const std::string& name) {
    auto txn = store_->write();
    store::loadModel(*txn, store::parseModelYaml("collectors:\n  " + name + ":\n    pingCycleInterval: 60\n", "t.yaml"));
    txn->commit();
  }
  kj::Promise<capnp::Capability::Client> get(const std::string& name, const std::string& monitor,
                                             rpc::ConnectionContext& conn, bool withListener = false) {
    kj::Maybe<ListenerClient> listener;
    if (withListener) listener = ListenerClient(kj::heap<NullListener>());
    return manager_->getService(name, monitor, kj::mv(listener), {{"k", "v"}}, conn);
  }
  std::string errorOf(kj::Promise<capnp::Capability::Client> p) {
    try {
      p.wait(port_->waitScope());
    } catch (const kj::Exception& e) {
      return rpc::errorCodeOf(e) + "|" + e.getDescription().cStr();
    }
    return "";
  }

  testing::TempDir dir_;
  std::string uri_;
  std::unique_ptr<store::Store> store_;
  boost::asio::io_context io_;
  std::unique_ptr<rpc::AsioEventPort> port_ = std::make_unique<rpc::AsioEventPort>(io_);
  RecordingExecutor executor_;
  CallStats stats_;
  std::unique_ptr<MonitorDirectory> monitors_;
  std::unique_ptr<ServiceManager> manager_;
};

TEST_F(ServiceManagerTest, UnknownServiceIsATypedErrorNamingIt) {
  FakeConnection conn(1);
  auto error = errorOf(get("NoSuchService", "localhost", conn));
  EXPECT_EQ(error.substr(0, error.find('|')), "unknownService");
  EXPECT_NE(error.find("'NoSuchService'"), std::string::npos) << error;
}

TEST_F(ServiceManagerTest, UnknownMonitorIsATypedErrorNamingIt) {
  FakeConnection conn(1);
  auto error = errorOf(get("PingConfig", "nowhere", conn));
  EXPECT_EQ(error.substr(0, error.find('|')), "unknownMonitor");
  EXPECT_NE(error.find("Unknown performance monitor: 'nowhere'"), std::string::npos) << error;
}

TEST_F(ServiceManagerTest, CollectorCreatedWhileRunningIsFoundWithoutRestart) {
  FakeConnection conn(1);
  EXPECT_NE(errorOf(get("PingConfig", "branch7", conn)), "");
  addCollector("branch7");
  EXPECT_EQ(errorOf(get("PingConfig", "branch7", conn)), "");
}

TEST_F(ServiceManagerTest, CollectorsOfOneMonitorShareOneInstance) {
  FakeConnection a(1), b(2);
  get("PingConfig", "localhost", a, true).wait(port_->waitScope());
  get("PingConfig", "localhost", b, true).wait(port_->waitScope());
  get("EventService", "localhost", b).wait(port_->waitScope());
  EXPECT_EQ(manager_->instances().size(), 2u);
  auto* inst = manager_->find("PingConfig", "localhost");
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(inst->listeners().size(), 2u);
}

TEST_F(ServiceManagerTest, ListenerGoesWithItsConnection) {
  FakeConnection a(1), b(2);
  get("PingConfig", "localhost", a, true).wait(port_->waitScope());
  get("PingConfig", "localhost", b, true).wait(port_->waitScope());
  a.closeNow();
  auto* inst = manager_->find("PingConfig", "localhost");
  ASSERT_EQ(inst->listeners().size(), 1u);
  EXPECT_EQ(inst->listeners().begin()->second.connectionId, 2u);
}

TEST_F(ServiceManagerTest, CallsAreForwardedWithNamesIdsAndOptions) {
  FakeConnection conn(1);
  auto cap = get("EventService", "localhost", conn).wait(port_->waitScope()).castAs<schema::EventService>();
  auto request = cap.sendEventsRequest();
  request.initEvents(3);
  auto response = request.send().wait(port_->waitScope());
  EXPECT_EQ(response.getCount(), 3u);
  ASSERT_EQ(executor_.calls.size(), 1u);
  const auto& call = executor_.calls[0];
  EXPECT_EQ(call.service, "EventService");
  EXPECT_EQ(call.monitor, "localhost");
  EXPECT_EQ(call.method, "sendEvents");
  EXPECT_EQ(call.routeKey(), "EventService:sendEvents");
  EXPECT_EQ(call.interfaceId, capnp::typeId<schema::EventService>());
  EXPECT_EQ(call.options.size(), 1u);
  auto rows = stats_.byTotal();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].name, "EventService.sendEvents");
}

TEST_F(ServiceManagerTest, InheritedMethodsAreNamedFromTheBaseInterface) {
  FakeConnection conn(1);
  auto cap = get("PingConfig", "localhost", conn).wait(port_->waitScope()).castAs<schema::PingConfig>();
  // The fake answers with a sendEvents-shaped result; only the forwarding is checked here.
  try {
    cap.getDeviceNamesRequest().send().wait(port_->waitScope());
  } catch (const kj::Exception&) {
  }
  ASSERT_EQ(executor_.calls.size(), 1u);
  EXPECT_EQ(executor_.calls[0].method, "getDeviceNames");
  EXPECT_EQ(executor_.calls[0].service, "PingConfig");
}

}  // namespace
}  // namespace zenhub::hub
