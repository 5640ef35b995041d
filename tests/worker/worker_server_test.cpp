// WorkerServer and CallDispatcher on one KJ loop: a forwarded call reaches the service through
// the dispatcher's own call context (params read where they arrived, results built in the
// Return), and what services do with a context — answer, answer big, answer nothing, tail-call,
// fail — comes back to the hub as it would from a plain Cap'n Proto call.
#include <gtest/gtest.h>
#include <kj/async.h>
#include <kj/debug.h>

#include <string>

#include "worker.capnp.h"
#include "worker/call_dispatcher.h"
#include "worker/service_source.h"
#include "worker/worker_server.h"
#include "worker/worker_stats.h"

namespace zenhub::worker {
namespace {

using schema::TestService;

// echo answers its text; pid answers nothing (results never touched).
class Plain final : public TestService::Server {
 protected:
  kj::Promise<void> echo(EchoContext context) override {
    auto text = context.getParams().getText();
    context.getResults(capnp::MessageSize{text.size() / 8 + 4, 0}).setText(text);
    return kj::READY_NOW;
  }
  kj::Promise<void> pid(PidContext) override { return kj::READY_NOW; }
};

// echo hands the call on to another capability (a tail call), upper-casing nothing.
class Tail final : public TestService::Server {
 public:
  explicit Tail(TestService::Client next) : next_(kj::mv(next)) {}

 protected:
  kj::Promise<void> echo(EchoContext context) override {
    auto request = next_.echoRequest();
    request.setText(std::string("via tail: ") + context.getParams().getText().cStr());
    return context.tailCall(kj::mv(request));
  }

 private:
  TestService::Client next_;
};

// echo fails with a typed error after a turn of the loop.
class Failing final : public TestService::Server {
 protected:
  kj::Promise<void> echo(EchoContext) override {
    return kj::evalLater([]() -> kj::Promise<void> {
      return KJ_EXCEPTION(FAILED, "zenhub.badOption: no such option 'x'");
    });
  }
};

class Source final : public ServiceSource {
 public:
  std::vector<std::string> names() const override { return {"Failing", "Plain", "Tail"}; }
  std::vector<std::string> configServices() const override { return {}; }
  capnp::Capability::Client make(const std::string& service, const std::string&, const ServiceOptions&) override {
    ++made;
    if (service == "Plain") return kj::heap<Plain>();
    if (service == "Tail") return kj::heap<Tail>(kj::heap<Plain>());
    if (service == "Failing") return kj::heap<Failing>();
    kj::throwFatalException(KJ_EXCEPTION(FAILED, "zenhub.unknownService: " + service));
  }
  int made = 0;
};

class WorkerServerTest : public ::testing::Test {
 protected:
  // A Worker.call of TestService method `methodId` on `service`, with echo params `text`.
  capnp::Request<schema::Worker::CallParams, schema::Worker::CallResults> call(const std::string& service,
                                                                               uint16_t methodId,
                                                                               const std::string& text) {
    auto request = worker_.callRequest();
    auto sc = request.initCall();
    sc.setService(service);
    sc.setMonitor("localhost");
    sc.setMethod(methodId == 0 ? "echo" : "pid");
    sc.setInterfaceId(capnp::typeId<TestService>());
    sc.setMethodId(methodId);
    if (methodId == 0) sc.getParams().initAs<TestService::EchoParams>().setText(text);
    return request;
  }
  std::string echo(const std::string& service, const std::string& text) {
    auto response = call(service, 0, text).send().wait(kj_->ws);
    return response.getResults().getAs<TestService::EchoResults>().getText();
  }
  // The description of the error an echo on `service` fails with ("" if it answers).
  std::string echoError(const std::string& service) {
    try {
      echo(service, "x");
    } catch (const kj::Exception& e) {
      return e.getDescription().cStr();
    }
    return "";
  }

  // KJ's destructors may throw: held by pointer, so the fixture's destructor does not.
  struct Kj {
    kj::EventLoop loop;
    kj::WaitScope ws{loop};
  };
  std::unique_ptr<Kj> kj_ = std::make_unique<Kj>();
  Source source_;
  WorkerStats stats_;
  CallDispatcher dispatcher_{source_};
  std::unique_ptr<schema::Worker::Client> workerCap_ = std::make_unique<schema::Worker::Client>(
      kj::heap<WorkerServer>(dispatcher_, stats_, source_.names(), source_.configServices(), 42));
  schema::Worker::Client& worker_ = *workerCap_;
};

TEST_F(WorkerServerTest, AnAnswerComesBackAsTheServiceBuiltIt) {
  EXPECT_EQ(echo("Plain", "hello"), "hello");
  EXPECT_EQ(echo("Plain", ""), "");
  EXPECT_EQ(stats_.callsServed(), 2u);
  EXPECT_EQ(source_.made, 1) << "one instance per (service, monitor, options)";
}

TEST_F(WorkerServerTest, ALargeAnswerArrivesWhole) {
  std::string big(4 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + (i / 4096) % 26);
  EXPECT_EQ(echo("Plain", big), big);
}

TEST_F(WorkerServerTest, AnAnswerTheServiceNeverFilledIsEmpty) {
  auto response = call("Plain", 3, "").send().wait(kj_->ws);
  EXPECT_FALSE(response.hasResults());
  EXPECT_EQ(response.getResults().getAs<TestService::PidResults>().getPid(), 0);
}

TEST_F(WorkerServerTest, ATailCallsAnswerIsTheWorkersAnswer) {
  EXPECT_EQ(echo("Tail", "hi"), "via tail: hi");
  EXPECT_EQ(echo("Tail", "again"), "via tail: again");
}

TEST_F(WorkerServerTest, AServicesTypedErrorPassesUnchangedAndTheNextCallRuns) {
  EXPECT_EQ(echoError("Failing"), "zenhub.badOption: no such option 'x'");
  EXPECT_EQ(echo("Plain", "after"), "after");
}

TEST_F(WorkerServerTest, AnUnknownServiceIsATypedError) {
  EXPECT_EQ(echoError("Nope"), "zenhub.unknownService: Nope");
}

TEST_F(WorkerServerTest, PipelinedCallsAreAnsweredInOrderOneAtATime) {
  std::vector<kj::Promise<std::string>> answers;
  for (int i = 0; i < 20; ++i) {
    answers.push_back(call(i % 2 ? "Tail" : "Plain", 0, std::to_string(i)).send().then([](auto&& r) {
      return std::string(r.getResults().template getAs<TestService::EchoResults>().getText().cStr());
    }));
  }
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(answers[i].wait(kj_->ws), (i % 2 ? "via tail: " : "") + std::to_string(i));
  }
  EXPECT_EQ(stats_.callsServed(), 20u);
}

}  // namespace
}  // namespace zenhub::worker
