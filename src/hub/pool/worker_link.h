// WorkerLink: the hub's end of one worker's RPC: the worker's stdout/stdin as a PipeStream, a
// CoalescingStream over it (one write per loop pass, not one per message), a client-side
// TwoPartyVatNetwork and RpcSystem, and the bootstrapped Worker capability. Members are declared
// so that destruction runs capability, RpcSystem, network, streams (pitfall 8).
#pragma once

#include <capnp/rpc-twoparty.h>
#include <capnp/rpc.h>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "rpc/coalescing_stream.h"
#include "rpc/asio_stream.h"
#include "worker.capnp.h"

namespace zenhub::hub::pool {

class WorkerLink {
 public:
  // `fromWorker` is the worker's stdout, `toWorker` its stdin.
  WorkerLink(boost::asio::posix::stream_descriptor fromWorker, boost::asio::posix::stream_descriptor toWorker);
  KJ_DISALLOW_COPY(WorkerLink);

  schema::Worker::Client& worker() { return worker_; }
  // Resolves when the pipe closes (EOF or error).
  kj::Promise<void> onDisconnect() { return network_.onDisconnect(); }

 private:
  rpc::PipeStream stream_;
  rpc::CoalescingStream coalesced_{stream_};
  capnp::TwoPartyVatNetwork network_;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc_;
  schema::Worker::Client worker_;
};

}  // namespace zenhub::hub::pool
