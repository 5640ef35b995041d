#include "services/event_service.h"

#include <kj/async.h>

#include "services.capnp.h"
#include "services/errors.h"
#include "services/reply_size.h"
#include "store/event_store.h"

namespace zenhub::services {

namespace {

constexpr size_t kMaxBatch = 5000;

store::EventRecord toRecord(schema::Event::Reader e, const std::string& monitor) {
  store::EventRecord r;
  r.device = e.getDevice();
  r.component = e.getComponent();
  r.eventClass =
      e.getEventClass().size() ? std::string(e.getEventClass()) : std::string("/Unknown");
  r.eventKey = e.getEventKey();
  r.summary = e.getSummary();
  r.message = e.getMessage();
  r.severity = e.getSeverity();
  r.agent = e.getAgent();
  r.monitor = e.getMonitor().size() ? std::string(e.getMonitor()) : monitor;
  r.timestamp = e.getTimestamp();
  for (auto item : e.getDetails()) {
    auto value = item.getValue();
    std::string text;
    switch (value.which()) {
      case schema::Value::TEXT:
        text = value.getText();
        break;
      case schema::Value::INT:
        text = std::to_string(value.getInt());
        break;
      case schema::Value::FLOAT:
        text = std::to_string(value.getFloat());
        break;
      case schema::Value::BOOL:
        text = value.getBool() ? "true" : "false";
        break;
      case schema::Value::LIST:
        for (auto s : value.getList()) text += (text.empty() ? "" : ",") + std::string(s);
        break;
      case schema::Value::NONE:
        break;
    }
    r.details.emplace_back(item.getName(), std::move(text));
  }
  return r;
}

class EventServiceImpl final : public schema::EventService::Server,
                               private kj::TaskSet::ErrorHandler {
 public:
  EventServiceImpl(store::EventStore& events, std::string monitor)
      : events_(events), monitor_(std::move(monitor)), tasks_(*this) {}

 protected:
  kj::Promise<void> sendEvent(SendEventContext context) override {
    if (!batch_) startBatch();
    batch_->events.push_back(toRecord(context.getParams().getEvent(), monitor_));
    auto done = batch_->done.addBranch();
    if (batch_->events.size() >= kMaxBatch) flush();
    return done;
  }

  kj::Promise<void> sendEvents(SendEventsContext context) override {
    auto list = context.getParams().getEvents();
    // Queued single events were sent first: keep the order, one transaction for all.
    std::vector<store::EventRecord> records;
    kj::Own<kj::PromiseFulfiller<void>> fulfiller;
    if (batch_) {
      records = std::move(batch_->events);
      fulfiller = std::move(batch_->fulfiller);
      batch_ = nullptr;
    }
    records.reserve(records.size() + list.size());
    for (auto e : list) records.push_back(toRecord(e, monitor_));
    auto failure = write(records);
    if (fulfiller) {
      KJ_IF_MAYBE (e, failure) {
        fulfiller->reject(kj::cp(*e));
      } else {
        fulfiller->fulfill();
      }
    }
    KJ_IF_MAYBE (e, failure) {
      return kj::mv(*e);
    }
    context.getResults(replySize(8)).setCount(list.size());
    return kj::READY_NOW;
  }

  kj::Promise<void> getDevicePingIssues(GetDevicePingIssuesContext context) override {
    if (batch_) flush();  // what this worker was sent counts
    auto issues = events_.pingIssues();
    auto out = context.getResults(replySize(issues.size() * 8))
                   .initIssues(static_cast<unsigned>(issues.size()));
    for (unsigned i = 0; i < issues.size(); ++i) {
      out[i].setDevice(issues[i].device);
      out[i].setIpAddress(issues[i].ipAddress);
      out[i].setCount(static_cast<std::uint32_t>(issues[i].count));
    }
    return kj::READY_NOW;
  }

 private:
  struct Batch {
    std::vector<store::EventRecord> events;
    kj::Own<kj::PromiseFulfiller<void>> fulfiller;
    kj::ForkedPromise<void> done;
  };

  void startBatch() {
    auto paf = kj::newPromiseAndFulfiller<void>();
    batch_ = kj::heap<Batch>(Batch{{}, kj::mv(paf.fulfiller), paf.promise.fork()});
    // Runs once the event loop has run everything else queued: the calls of a burst arrive
    // before it.
    Batch* scheduled = batch_.get();
    tasks_.add(kj::evalLast([this, scheduled]() {
      if (batch_.get() == scheduled) flush();
    }));
  }

  void flush() {
    kj::Own<Batch> batch = kj::mv(batch_);
    batch_ = nullptr;
    KJ_IF_MAYBE (e, write(batch->events)) {
      batch->fulfiller->reject(kj::mv(*e));
    } else {
      batch->fulfiller->fulfill();
    }
    // The callers' branches keep the outcome alive; the batch itself can go.
  }

  // Stores a batch; the failure, if any, for the callers.
  kj::Maybe<kj::Exception> write(const std::vector<store::EventRecord>& records) {
    try {
      events_.write(records);
      return nullptr;
    } catch (const kj::Exception& e) {
      return kj::cp(e);
    } catch (const std::exception& e) {
      return serviceError("internal", std::string("storing events failed: ") + e.what());
    }
  }

  void taskFailed(kj::Exception&&) override {
    // A failed batch already rejected its callers' promises.
  }

  store::EventStore& events_;
  std::string monitor_;
  kj::Own<Batch> batch_;  // the events waiting for the next flush, or null
  kj::TaskSet tasks_;     // after batch_: destroyed first
};

}  // namespace

capnp::Capability::Client makeEventService(ServiceContext& context) {
  if (!context.options.empty()) {
    throw serviceError("badOption", "EventService does not accept option '" +
                                        context.options.front().first + "' (it takes no options)");
  }
  if (context.events == nullptr) {
    throw serviceError("unavailable", "EventService needs an event store (ServiceContext::events)");
  }
  return kj::heap<EventServiceImpl>(*context.events, context.monitor);
}

}  // namespace zenhub::services
