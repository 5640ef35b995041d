#include "worker/call_dispatcher.h"

#include <capnp/message.h>
#include <kj/debug.h>
#include <kj/refcount.h>

#include <exception>

#include "rpc/errors.h"

namespace zenhub::worker {

namespace {

// The context a service sees: params from the hub's message, results in the worker's Return
// (the `results` field of Worker.call's results, allocated once the service says how big).
class DirectContext final : public capnp::CallContextHook, public kj::Refcounted {
 public:
  explicit DirectContext(CallDispatcher::Context outer) : outer_(outer) {}

  // After the call is over the outer context may be gone; a late getResults() (Cap'n Proto asks
  // for the results of a call nobody pipelines on) gets a builder of its own.
  void finish() { finished_ = true; }

  capnp::AnyPointer::Reader getParams() override { return outer_.getParams().getCall().getParams(); }
  void releaseParams() override {}  // the hub's message is the Worker.call's: it goes with that
  capnp::AnyPointer::Builder getResults(kj::Maybe<capnp::MessageSize> sizeHint) override {
    KJ_IF_MAYBE (results, results_) {
      return *results;
    }
    if (finished_) {
      spare_ = kj::heap<capnp::MallocMessageBuilder>(16);
      results_ = spare_->getRoot<capnp::AnyPointer>();
    } else {
      capnp::MessageSize size{4, 0};  // Worker.call's results struct: one pointer
      KJ_IF_MAYBE (hint, sizeHint) {
        size.wordCount += hint->wordCount;
        size.capCount += hint->capCount;
      }
      results_ = outer_.getResults(size).getResults();
    }
    return KJ_ASSERT_NONNULL(results_);
  }
  kj::Promise<void> tailCall(kj::Own<capnp::RequestHook>&& request) override {
    return directTailCall(kj::mv(request)).promise;
  }
  void allowCancellation() override {}  // the worker runs every call it got to the end
  void setPipeline(kj::Own<capnp::PipelineHook>&&) override {}  // nobody pipelines on a call
  kj::Promise<capnp::AnyPointer::Pipeline> onTailCall() override { return kj::NEVER_DONE; }
  capnp::ClientHook::VoidPromiseAndPipeline directTailCall(kj::Own<capnp::RequestHook>&& request) override {
    // Another process's answer cannot be built in place: wait for it and copy it.
    auto promise = request->send();
    auto done = promise.then([self = kj::addRef(*this)](capnp::Response<capnp::AnyPointer>&& response) mutable {
      self->getResults(response.targetSize()).set(response);
    });
    return {kj::mv(done), capnp::PipelineHook::from(kj::mv(promise))};
  }
  kj::Own<capnp::CallContextHook> addRef() override { return kj::addRef(*this); }

 private:
  CallDispatcher::Context outer_;
  kj::Maybe<capnp::AnyPointer::Builder> results_;
  kj::Own<capnp::MallocMessageBuilder> spare_;
  bool finished_ = false;
};

}  // namespace

capnp::Capability::Client& CallDispatcher::instance(schema::ServiceCall::Reader call) {
  std::string service = call.getService();
  std::string monitor = call.getMonitor();
  ServiceOptions options;
  // The key separates fields with NUL, which names and option values cannot contain.
  std::string key = service + '\0' + monitor;
  for (auto option : call.getOptions()) {
    options.emplace_back(option.getKey(), option.getValue());
    key += '\0' + options.back().first + '\0' + options.back().second;
  }
  auto found = instances_.find(key);
  if (found != instances_.end()) return found->second;
  try {
    return instances_.emplace(key, source_.make(service, monitor, options)).first->second;
  } catch (const kj::Exception&) {
    throw;  // the source's own typed error (unknown service, ...)
  } catch (const std::exception& e) {
    kj::throwFatalException(rpc::makeError(rpc::ErrorCode::kInternal,
                                           "creating " + service + " for " + monitor + ": " + e.what()));
  }
}

kj::Promise<void> CallDispatcher::dispatch(Context context) {
  auto call = context.getParams().getCall();
  capnp::Capability::Client cap = instance(call);
  auto hook = kj::refcounted<DirectContext>(context);
  auto& direct = *hook;
  // The capability starts the call on a later turn (ClientHook::call's contract); the promise
  // keeps the context.
  auto started = capnp::ClientHook::from(kj::mv(cap))->call(call.getInterfaceId(), call.getMethodId(), kj::mv(hook));
  return started.promise.then([self = kj::addRef(direct)]() mutable { self->finish(); },
                              [self = kj::addRef(direct)](kj::Exception&& e) mutable {
                                self->finish();
                                kj::throwFatalException(kj::mv(e));
                              });
}

}  // namespace zenhub::worker
