#include "hub/http/http_connection.h"

#include <boost/asio/read.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace zenhub::hub::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {
constexpr size_t kReadChunk = 4096;

// Beast 1.74 hands out boost::string_view.
std::string_view toStd(boost::beast::string_view s) {
  return {s.data(), s.size()};
}
}  // namespace

HttpConnection::HttpConnection(ConnectionOwner& owner, uint64_t id, Socket socket, std::string peer)
    : owner_(&owner),
      limits_(owner.limits()),
      id_(id),
      socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      peer_(std::move(peer)) {}

void HttpConnection::start() {
  readRequest();
}

void HttpConnection::detach() {
  owner_ = nullptr;
  phase_ = Phase::kClosed;
  cancelTimer();
  error_code ignored;
  socket_.close(ignored);
}

void HttpConnection::finish() {
  auto* owner = owner_;
  detach();
  if (owner != nullptr) owner->connectionClosed(id_);  // drops the owner's reference
}

// Reads one request within requestTimeout. Bytes already buffered (pipelined, or read while
// idle) are parsed first.
void HttpConnection::readRequest() {
  phase_ = Phase::kReading;
  parser_.emplace();
  parser_->header_limit(limits_.maxHeaderBytes);
  parser_->body_limit(limits_.maxBodyBytes);
  armTimer(limits_.requestTimeout);
  bhttp::async_read(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](const error_code& ec, size_t) { self->onRequest(ec); });
}

// Between keep-alive requests: waits up to idleTimeout for the next request's first bytes.
void HttpConnection::waitForNext() {
  if (buffer_.size() > 0) {
    readRequest();
    return;
  }
  phase_ = Phase::kIdle;
  armTimer(limits_.idleTimeout);
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](const error_code& ec, size_t bytes) {
                            self->onIdleRead(ec, bytes);
                          });
}

void HttpConnection::onIdleRead(const error_code& ec, size_t bytes) {
  if (phase_ == Phase::kClosed) return;
  buffer_.commit(bytes);
  if (bytes == 0 && ec) {
    if (timedOut_) {
      ++owner_->counters().timeouts;
      owner_->log("event=http_idle_timeout peer=" + peer_);
    }
    finish();
    return;
  }
  readRequest();
}

void HttpConnection::onRequest(const error_code& ec) {
  if (phase_ == Phase::kClosed) return;
  if (!ec) {
    cancelTimer();
    dispatch();
    return;
  }
  if (timedOut_) {
    ++owner_->counters().timeouts;
    if (parser_->got_some() || buffer_.size() > 0) {
      reject(408, "request not complete within " + std::to_string(limits_.requestTimeout.count()) +
                      " ms");
    } else {
      owner_->log("event=http_request_timeout peer=" + peer_ + " reason=\"nothing sent\"");
      finish();
    }
    return;
  }
  if (ec == bhttp::error::end_of_stream) {  // the peer closed between requests
    finish();
    return;
  }
  if (ec == bhttp::error::header_limit) {
    reject(431, "header over " + std::to_string(limits_.maxHeaderBytes) + " bytes");
  } else if (ec == bhttp::error::body_limit) {
    reject(413, "body over " + std::to_string(limits_.maxBodyBytes) + " bytes");
  } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
    reject(400, ec.message());
  } else {
    finish();  // reset, broken pipe: the peer is gone
  }
}

void HttpConnection::dispatch() {
  const auto& request = parser_->get();
  ++owner_->counters().requests;
  phase_ = Phase::kHandling;
  version_ = request.version();
  keepAlive_ = request.keep_alive();
  headRequest_ = request.method() == bhttp::verb::head;

  HttpRequestView view;
  view.method = toStd(request.method_string());
  view.target = toStd(request.target());
  auto question = view.target.find('?');
  view.path = view.target.substr(0, question);
  if (question != std::string_view::npos) view.query = view.target.substr(question + 1);
  for (const auto& field : request) {
    view.headers.emplace_back(toStd(field.name_string()), toStd(field.value()));
  }
  view.body = request.body();
  view.peer = peer_;
  owner_->dispatch(view, Responder(weak_from_this()));
}

void HttpConnection::reject(int status, const std::string& why) {
  ++owner_->counters().rejected;
  owner_->log("event=http_request_rejected peer=" + peer_ + " status=" + std::to_string(status) +
              " reason=\"" + why + "\"");
  phase_ = Phase::kHandling;
  rejected_ = true;
  version_ = 11;
  keepAlive_ = false;
  headRequest_ = false;
  deliver(HttpResponse::text(status, std::string(reasonPhrase(status)) + ": " + why + "\n"));
}

void HttpConnection::deliver(HttpResponse response) {
  if (phase_ != Phase::kHandling) return;  // closed meanwhile
  write(std::move(response));
}

void HttpConnection::write(HttpResponse answer) {
  if (answer.status < 100 || answer.status > 599) {
    answer =
        HttpResponse::text(500, "handler answered status " + std::to_string(answer.status) + "\n");
  }
  auto& response = response_.emplace();
  response.version(version_);
  response.result(static_cast<unsigned>(answer.status));
  if (!answer.contentType.empty()) response.set(bhttp::field::content_type, answer.contentType);
  for (auto& [name, value] : answer.headers) response.insert(name, value);
  response.keep_alive(keepAlive_);
  response.body() = std::move(answer.body);
  response.prepare_payload();
  if (headRequest_) response.body().clear();  // Content-Length stays that of the GET answer

  phase_ = Phase::kWriting;
  armTimer(limits_.writeTimeout);
  bhttp::async_write(socket_, response, [self = shared_from_this()](const error_code& ec, size_t) {
    self->onWritten(ec);
  });
}

void HttpConnection::onWritten(const error_code& ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    if (timedOut_) {
      ++owner_->counters().timeouts;
      owner_->log("event=http_write_timeout peer=" + peer_);
    }
    finish();
    return;
  }
  bool again = response_->keep_alive();
  response_.reset();
  parser_.reset();
  if (again) {
    waitForNext();
  } else if (rejected_ || buffer_.size() > 0) {
    linger();
  } else {
    // The request was read whole and nothing follows it: an orderly close is safe.
    error_code ignored;
    socket_.shutdown(asio::socket_base::shutdown_both, ignored);
    finish();
  }
}

// After a rejected request, whose rest may still be arriving (or pipelined requests after a
// closing one): half-closes, then drains what the peer sends until it closes too (or
// lingerTimeout). Closing with unread input would reset the connection, and the reset could
// destroy the answer before the peer reads it.
void HttpConnection::linger() {
  phase_ = Phase::kLingering;
  error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_send, ignored);
  armTimer(limits_.lingerTimeout);
  buffer_.clear();
  socket_.async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this()](const error_code& ec, size_t) { self->onLingerRead(ec); });
}

void HttpConnection::onLingerRead(const error_code& ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    finish();
    return;
  }
  buffer_.clear();
  socket_.async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this()](const error_code& ec2, size_t) { self->onLingerRead(ec2); });
}

void HttpConnection::armTimer(std::chrono::milliseconds timeout) {
  uint64_t generation = ++timerGeneration_;
  timedOut_ = false;
  timer_.expires_after(timeout);
  timer_.async_wait([self = shared_from_this(), generation](const error_code& ec) {
    if (ec || self->phase_ == Phase::kClosed || generation != self->timerGeneration_) return;
    self->onDeadline();
  });
}

void HttpConnection::cancelTimer() {
  ++timerGeneration_;
  timer_.cancel();
}

// The operation in progress completes with operation_aborted and its handler sees timedOut_.
void HttpConnection::onDeadline() {
  timedOut_ = true;
  error_code ignored;
  socket_.cancel(ignored);
}

}  // namespace zenhub::hub::http
