// Scenario `events`: events/s that collectors send through the hub, as ZenHub collectors send
// them: each collector daemon sends EventService.sendEvents batches of 50 (PBDaemon's default
// eventflushchunksize), one batch at a time, 8 collectors at once. They go through the hub's RPC
// front end to the `events` worker pool (one worker) and into the real event store (SQLite), with
// de-duplication and clearing: events repeat a small set of fingerprints (so most fold into an
// open event), and every 20th is a clear.
//
// Baseline, in the same run and alternating with it: the same senders and the same batches sent
// to an EventService made in this process (the worker's own code, services_bench's way), on a
// store of its own holding the same model: the same store writes without the hub, the RPC legs
// and the worker process. Every event is checked to be stored: the stored occurrences (sum of
// counts) equal the events sent, on both sides.
//
// Target: >= 0.5 of the direct rate. Both sides pay the same transaction per batch; the hub path
// adds, per batch of 50 events (about 10 KB), two more encodings and Cap'n Proto RPC legs
// (collector -> hub -> worker) whose CPU the client, the hub and the worker share with the store
// writes on two cores: the service call throughput target (>= 0.5 of the echo) for the same
// reason.
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "collector_fleet.h"
#include "hub.capnp.h"
#include "hub_process.h"
#include "scenarios.h"
#include "services.capnp.h"
#include "services/registry.h"
#include "store/event_store.h"

namespace zenhub::bench {

namespace {

using Clock = std::chrono::steady_clock;

constexpr unsigned kBatch = 50;  // PBDaemon's eventflushchunksize
constexpr int kSenders = 8;
constexpr int kDevicesPerSender = 125;
constexpr const char* kAgent = "zenperfsnmp";

// The `n`th event (counting from 0) of sender `sender`: one of 500 fingerprints per sender
// (125 devices x 4 classes); every 20th a clear.
void fillEvent(schema::Event::Builder e, int sender, long n, const std::string& monitor,
               double now) {
  static const char* const kClasses[] = {"/Perf/CPU", "/Perf/Memory", "/Perf/Filesystem",
                                         "/Status/Snmp"};
  static const char* const kSummaries[] = {"CPU utilization high", "memory nearly full",
                                           "file system nearly full", "SNMP agent down"};
  char device[32];
  std::snprintf(device, sizeof device, "dev%06ld",
                static_cast<long>(sender * kDevicesPerSender + n % kDevicesPerSender + 1));
  auto cls = static_cast<size_t>(n / kDevicesPerSender % 4);
  bool clear = n % 20 == 19;
  e.setDevice(device);
  e.setComponent(cls == 2 ? "root" : "");
  e.setEventClass(kClasses[cls]);
  e.setEventKey(cls == 3 ? "snmp_down" : "threshold");
  e.setSeverity(clear ? 0 : 3 + static_cast<int>(cls % 2));
  e.setSummary(std::string(kSummaries[cls]) + (clear ? " (cleared)" : ""));
  e.setAgent(kAgent);
  e.setMonitor(monitor);
  e.setTimestamp(now);
  auto details = e.initDetails(2);
  details[0].setName("current");
  details[0].initValue().setFloat(static_cast<double>(n % 100));
  details[1].setName("threshold");
  details[1].initValue().setText("high_" + std::to_string(cls));
}

// One collector daemon's event queue: sends `batches` batches, one at a time. Lives until its
// run() has completed (the scenario waits for it in the scope that owns the sender).
class EventSender {
 public:
  EventSender(schema::EventService::Client service, int index, std::string monitor)
      : service_(kj::mv(service)), index_(index), monitor_(std::move(monitor)) {}

  kj::Promise<void> run(int batches) {
    if (batches == 0) return kj::READY_NOW;
    auto request = service_.sendEventsRequest();
    auto list = request.initEvents(kBatch);
    double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (unsigned i = 0; i < kBatch; ++i) fillEvent(list[i], index_, next_++, monitor_, now);
    return request.send().then(
        [this, batches](capnp::Response<schema::EventService::SendEventsResults>&& reply) {
          stored_ += reply.getCount();
          return run(batches - 1);
        });
  }
  long stored() const { return stored_; }

 private:
  schema::EventService::Client service_;
  int index_;
  std::string monitor_;
  long next_ = 0;  // the next event's number: carries on across runs
  long stored_ = 0;
};

// Runs every sender for `batches` batches at once; returns events/s.
double sendAll(kj::WaitScope& ws, std::vector<kj::Own<EventSender>>& senders, int batches) {
  auto start = Clock::now();
  kj::Vector<kj::Promise<void>> running;
  for (auto& s : senders) running.add(s->run(batches));
  kj::joinPromises(running.releaseAsArray()).wait(ws);
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(senders.size()) * batches * kBatch / seconds;
}

// Occurrences of the senders' events stored in the event store at `uri`: the sum of the counts
// (the hub stores events of its own there too: heartbeats, workers started).
long storedOccurrences(const std::string& uri) {
  auto events = store::openEventStore(uri);
  store::EventQuery all;
  all.limit = 1LL << 40;
  long total = 0;
  for (const auto& e : events->list(all)) {
    if (e.event.agent == kAgent) total += e.count;
  }
  return total;
}

}  // namespace

int runEvents(const Options& options) {
  const int batches = options.quick ? 10 : 250;  // per sender and repetition
  std::string hubUri = generateModel(options, "events-hub", kSenders * kDevicesPerSender, kSenders);
  std::string directUri =
      generateModel(options, "events-direct", kSenders * kDevicesPerSender, kSenders);
  std::vector<std::string> monitors;
  {
    auto s = store::openStore(hubUri);
    monitors = collectorNames(*s);
  }

  testing::HubProcess hub;
  hub.start({"--store", hubUri, "--log-level", "warn", "--workers", "1"});
  if (!hub.waitReady()) throw std::runtime_error("zenhub did not become ready:\n" + hub.log());

  auto io = kj::setupAsyncIo();
  auto& ws = io.waitScope;
  // Through the hub: a connection per collector, each with its EventService.
  struct Connection {
    kj::Own<kj::AsyncIoStream> stream;
    kj::Own<capnp::TwoPartyClient> rpc;
  };
  std::vector<Connection> connections(kSenders);
  std::vector<kj::Own<EventSender>> viaHub;
  auto address = io.provider->getNetwork().parseAddress("127.0.0.1", hub.port()).wait(ws);
  for (int i = 0; i < kSenders; ++i) {
    auto& c = connections[static_cast<size_t>(i)];
    c.stream = address->connect().wait(ws);
    c.rpc = kj::heap<capnp::TwoPartyClient>(*c.stream);
    auto login = c.rpc->bootstrap().castAs<schema::Login>().loginRequest();
    login.setUser("admin");
    login.setPassword("zenoss");
    auto get = login.send().wait(ws).getHub().getServiceRequest();
    get.setName("EventService");
    get.setMonitor(monitors[static_cast<size_t>(i)]);
    auto service = get.send().wait(ws).getService().castAs<schema::EventService>();
    viaHub.push_back(kj::heap<EventSender>(kj::mv(service), i, monitors[static_cast<size_t>(i)]));
  }
  // Direct: the same service code in this process, on a store of its own.
  auto directStore = store::openStore(directUri);
  auto directEvents = store::openEventStore(directUri);
  services::ServiceRegistry registry;
  std::vector<kj::Own<EventSender>> direct;
  for (int i = 0; i < kSenders; ++i) {
    auto service =
        registry
            .make("EventService",
                  services::ServiceContext{
                      *directStore, monitors[static_cast<size_t>(i)], {}, directEvents.get()})
            .castAs<schema::EventService>();
    direct.push_back(kj::heap<EventSender>(kj::mv(service), i, monitors[static_cast<size_t>(i)]));
  }

  // One warm-up batch each (the worker's first call opens its service and statements).
  sendAll(ws, viaHub, 1);
  sendAll(ws, direct, 1);
  std::vector<double> hubRate, directRate;
  for (int r = 0; r < std::max(1, options.repetitions); ++r) {
    hubRate.push_back(sendAll(ws, viaHub, batches));
    directRate.push_back(sendAll(ws, direct, batches));
  }

  long sent = static_cast<long>(kSenders) *
              (1 + static_cast<long>(std::max(1, options.repetitions)) * batches) * kBatch;
  long hubAcknowledged = 0, directAcknowledged = 0;
  for (auto& s : viaHub) hubAcknowledged += s->stored();
  for (auto& s : direct) directAcknowledged += s->stored();
  long hubStored = storedOccurrences(hubUri);
  long directStored = storedOccurrences(directUri);
  bool complete = hubStored == sent && directStored == sent && hubAcknowledged == sent &&
                  directAcknowledged == sent;
  if (!complete) {
    throw std::runtime_error("events: sent " + std::to_string(sent) + ", acknowledged " +
                             std::to_string(hubAcknowledged) + " / " +
                             std::to_string(directAcknowledged) + ", stored " +
                             std::to_string(hubStored) + " / " + std::to_string(directStored) +
                             " (through the hub / direct)");
  }
  double m = median(hubRate), b = median(directRate);
  double ratio = b > 0 ? m / b : 0;
  Json()
      .set("scenario", "events")
      .set("metric",
           "events/s through hub and events worker into the event store (de-duplicated), "
           "sendEvents batches of 50, 8 collectors one batch each at a time")
      .set("median", m)
      .set("baseline", "the same batches to an in-process EventService on a store of its own")
      .set("baseline_median", b)
      .set("ratio", ratio)
      .set("events_per_repetition",
           static_cast<long>(kSenders) * batches * static_cast<long>(kBatch))
      .set("events_stored_checked", sent)
      .set("target", "ratio >= 0.5")
      .set("pass", ratio >= 0.5)
      .set("repetitions", options.repetitions)
      .print();
  return 0;
}

}  // namespace zenhub::bench
