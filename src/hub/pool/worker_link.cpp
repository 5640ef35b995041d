#include "hub/pool/worker_link.h"

namespace zenhub::hub::pool {

namespace {

capnp::ReaderOptions readerOptions() {
  // The pipe is private to the hub and its own worker: allow large results (a full config set).
  capnp::ReaderOptions options;
  options.traversalLimitInWords = 1ull << 30;
  return options;
}

schema::Worker::Client bootstrap(capnp::RpcSystem<capnp::rpc::twoparty::VatId>& rpc) {
  capnp::word scratch[4] = {};
  capnp::MallocMessageBuilder message(scratch);
  auto vatId = message.getRoot<capnp::rpc::twoparty::VatId>();
  vatId.setSide(capnp::rpc::twoparty::Side::SERVER);
  return rpc.bootstrap(vatId).castAs<schema::Worker>();
}

}  // namespace

WorkerLink::WorkerLink(boost::asio::posix::stream_descriptor fromWorker,
                       boost::asio::posix::stream_descriptor toWorker)
    : stream_(std::move(fromWorker), std::move(toWorker)),
      network_(coalesced_, capnp::rpc::twoparty::Side::CLIENT, readerOptions()),
      rpc_(capnp::makeRpcClient(network_)),
      worker_(bootstrap(rpc_)) {}

}  // namespace zenhub::hub::pool
