// StdioStream: one kj::AsyncIoStream made of two one-way pipe ends (the worker's stdin, from
// the hub, and its stdout, to the hub), which is what TwoPartyVatNetwork wants.
#pragma once

#include <kj/async-io.h>

namespace zenhub::worker {

class StdioStream final : public kj::AsyncIoStream {
 public:
  StdioStream(kj::Own<kj::AsyncInputStream> in, kj::Own<kj::AsyncOutputStream> out)
      : in_(kj::mv(in)), out_(kj::mv(out)) {}

  kj::Promise<size_t> tryRead(void* buffer, size_t minBytes, size_t maxBytes) override {
    return in_->tryRead(buffer, minBytes, maxBytes);
  }
  kj::Promise<void> write(const void* buffer, size_t size) override {
    if (out_.get() == nullptr) return KJ_EXCEPTION(DISCONNECTED, "write after shutdownWrite()");
    return out_->write(buffer, size);
  }
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override {
    if (out_.get() == nullptr) return KJ_EXCEPTION(DISCONNECTED, "write after shutdownWrite()");
    return out_->write(pieces);
  }
  kj::Promise<void> whenWriteDisconnected() override {
    if (out_.get() == nullptr) return kj::READY_NOW;
    return out_->whenWriteDisconnected();
  }
  // Closing our stdout tells the hub we are done writing.
  void shutdownWrite() override { out_ = nullptr; }

 private:
  kj::Own<kj::AsyncInputStream> in_;
  kj::Own<kj::AsyncOutputStream> out_;
};

}  // namespace zenhub::worker
