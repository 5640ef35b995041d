#include "hub/xmlrpc/endpoint.h"

#include <memory>
#include <strings.h>

#include <chrono>
#include <optional>

#include "hub/http/basic_auth.h"
#include "hub/xmlrpc/fault.h"
#include "hub/xmlrpc/response_encoder.h"

namespace zenhub::hub::xmlrpc {

namespace {

constexpr std::string_view kRealm = "zenhub";

// text/xml (what the XML-RPC specification names) or application/xml, with any parameters.
bool isXml(std::optional<std::string_view> contentType) {
  if (!contentType) return false;
  std::string_view type = *contentType;
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  auto is = [&](std::string_view want) {
    return type.size() == want.size() && ::strncasecmp(type.data(), want.data(), want.size()) == 0;
  };
  return is("text/xml") || is("application/xml");
}

http::HttpResponse xmlResponse(std::string body) {
  http::HttpResponse response;
  response.contentType = "text/xml";
  response.body = std::move(body);
  return response;
}

// "address" of "address:port" ("[::1]:80" -> "[::1]").
std::string peerAddress(const std::string& peer) {
  return peer.substr(0, peer.rfind(':'));
}

// Log values in double quotes.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, 200)) {
    if (c == '"' || c == '\\') out += '\\';
    out += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  }
  return out + "\"";
}

}  // namespace

XmlRpcEndpoint::XmlRpcEndpoint(boost::asio::io_context& io, rpc::AsioEventPort& port,
                               XmlRpcMethods& methods, XmlRpcAuth auth, DecodeLimits limits,
                               Logger log)
    : port_(port),
      methods_(methods),
      auth_(std::move(auth)),
      limits_(limits),
      log_(std::move(log)),
      decoder_(io, 1),
      tasks_(errorHandler_) {}

XmlRpcEndpoint::~XmlRpcEndpoint() = default;

void XmlRpcEndpoint::ErrorHandler::taskFailed(kj::Exception&& exception) {
  owner_.log("event=xmlrpc_task_failed error=" + quoted(exception.getDescription().cStr()));
}

void XmlRpcEndpoint::log(const std::string& line) {
  if (log_) log_(line);
}

void XmlRpcEndpoint::addRoutes(http::HttpServer& server) {
  for (const char* path : {"/", "/RPC2"}) {
    server.routeAsync("POST", path,
                      [this](const http::HttpRequestView& request,
                             const http::Responder& responder) { handle(request, responder); });
  }
}

void XmlRpcEndpoint::handle(const http::HttpRequestView& request,
                            const http::Responder& responder) {
  auto authorization = request.header("Authorization");
  auto credentials = authorization ? http::parseBasicAuth(*authorization) : std::nullopt;
  if (!credentials) {
    responder.respond(http::unauthorized(kRealm));
    return;
  }
  if (!isXml(request.header("Content-Type"))) {
    responder.respond(
        http::HttpResponse::text(415, "XML-RPC requests are Content-Type: text/xml\n"));
    return;
  }
  // The request's views die with this call: the task keeps copies.
  port_.fromAsio([&]() {
    tasks_.add(serve(std::move(credentials->user), std::move(credentials->password),
                     std::string(request.body), std::string(request.peer), responder));
  });
}

kj::Promise<void> XmlRpcEndpoint::serve(std::string user, std::string password, std::string body,
                                        std::string peer, http::Responder responder) {
  return auth_.authenticator.check(user, password)
      .then([this, user, body = std::move(body), peer,
             responder](bool ok) mutable -> kj::Promise<void> {
        if (!ok) {
          ++counters_.authFailures;
          uint64_t fromPeer = auth_.failures.add(peerAddress(peer));
          log("event=xmlrpc_login_failed peer=" + peer + " user=" + quoted(user) +
              " failures_from_peer=" + std::to_string(fromPeer));
          return port_.timer().afterDelay(auth_.failureDelay()).then([responder]() {
            responder.respond(http::unauthorized(kRealm));
          });
        }
        return answer(std::move(body), peer).then([responder](std::string xml) {
          responder.respond(xmlResponse(std::move(xml)));
        });
      });
}

namespace {
// What a request came to: the method (empty when the body did not decode) and the XML to send.
struct Outcome {
  std::string method;
  std::string xml;
  bool fault = false;
  std::string faultText;  // for the log
};
Outcome faultOutcome(std::string method, int code, std::string_view message) {
  return Outcome{std::move(method), encodeFault(code, message), true,
                 std::to_string(code) + " " + std::string(message)};
}
}  // namespace

kj::Promise<std::string> XmlRpcEndpoint::answer(std::string body, std::string peer) {
  DecodeLimits limits = limits_;
  auto decoded = decoder_.run<MethodCall>(
      [body = std::move(body), limits]() { return decodeMethodCall(body, limits); });
  auto outcome = decoded.then(
      [this](MethodCall call) -> kj::Promise<Outcome> {
        std::string method = call.methodName;
        kj::Promise<Value> result = nullptr;
        try {
          result = methods_.call(call);
        } catch (const Fault& f) {
          return faultOutcome(method, f.code(), f.what());
        } catch (const kj::Exception& e) {
          return faultOutcome(method, kServiceError, faultText(e));
        } catch (const std::exception& e) {
          return faultOutcome(method, kServiceError, std::string("internal error: ") + e.what());
        }
        return result.then(
            [this, method](Value value) -> kj::Promise<Outcome> {
              // Encoding a big answer (a whole monitor's getConfigs) is work the loop should not
              // do: the decoder's thread does it.
              auto shared = std::make_shared<Value>(kj::mv(value));
              return decoder_.run<std::string>([shared]() { return encodeResponse(*shared); })
                  .then([method](std::string xml) { return Outcome{method, kj::mv(xml), false, ""}; });
            },
            [method](kj::Exception&& e) {
              return faultOutcome(method, kServiceError, faultText(e));
            });
      },
      [](kj::Exception&& e) -> kj::Promise<Outcome> {
        // The decoder's Fault, carried over from its thread as its message alone.
        return faultOutcome("", kParseError, e.getDescription().cStr());
      });
  return outcome.then([this, peer](Outcome done) {
    ++counters_.calls;
    if (done.fault) {
      ++counters_.faults;
      log("event=xmlrpc_fault peer=" + peer + " method=" +
          (done.method.empty() ? "-" : done.method) + " fault=" + quoted(done.faultText));
    }
    return kj::mv(done.xml);
  });
}

}  // namespace zenhub::hub::xmlrpc
