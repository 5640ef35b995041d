#include "rpc/asio_stream.h"

namespace zenhub::rpc {

kj::Exception toKjException(const boost::system::error_code& ec, const char* what) {
  namespace e = boost::asio::error;
  auto type = kj::Exception::Type::FAILED;
  if (ec == e::connection_reset || ec == e::broken_pipe || ec == e::connection_aborted ||
      ec == e::eof || ec == e::not_connected || ec == e::timed_out || ec == e::network_down ||
      ec == e::network_unreachable || ec == e::host_unreachable || ec == e::shut_down ||
      ec == e::operation_aborted || ec == e::bad_descriptor) {
    type = kj::Exception::Type::DISCONNECTED;
  }
  return kj::Exception(type, __FILE__, __LINE__, kj::str(what, ": ", ec.message().c_str()));
}

}  // namespace zenhub::rpc
