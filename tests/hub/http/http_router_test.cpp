// HttpRouter's decisions, without sockets; and the Responder's once-only answer.
#include "hub/http/http_router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace zenhub::hub::http {
namespace {

AsyncHandler nothing() {
  return [](const HttpRequestView&, const Responder&) {};
}

TEST(HttpRouter, FindsExactMethodAndPath) {
  HttpRouter router;
  router.add("GET", "/metrics", nothing());
  EXPECT_NE(router.match("GET", "/metrics").handler, nullptr);
  EXPECT_EQ(router.match("GET", "/metrics/").status, 404);
  EXPECT_EQ(router.match("GET", "/").status, 404);
}

TEST(HttpRouter, AnswersMethodNotAllowedWithTheMethodsThePathHas) {
  HttpRouter router;
  router.add("POST", "/RPC2", nothing());
  router.add("GET", "/RPC2", nothing());
  auto match = router.match("DELETE", "/RPC2");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_EQ(match.status, 405);
  EXPECT_EQ(match.allow, "GET, POST, HEAD");
}

TEST(HttpRouter, ServesHeadWithTheGetHandler) {
  HttpRouter router;
  router.add("GET", "/healthz", nothing());
  auto match = router.match("HEAD", "/healthz");
  EXPECT_NE(match.handler, nullptr);
  EXPECT_TRUE(match.head);
}

TEST(HttpRouter, RefusesDuplicateAndMalformedRoutes) {
  HttpRouter router;
  router.add("GET", "/stats", nothing());
  EXPECT_THROW(router.add("GET", "/stats", nothing()), std::logic_error);
  EXPECT_THROW(router.add("", "/x", nothing()), std::logic_error);
  EXPECT_THROW(router.add("GET", "x", nothing()), std::logic_error);
  EXPECT_THROW(router.add("GET", "/y", AsyncHandler()), std::logic_error);
}

struct Recorder : Responder::Sink {
  void deliver(HttpResponse response) override { answers.push_back(std::move(response)); }
  std::vector<HttpResponse> answers;
};

TEST(Responder, DeliversTheFirstAnswerOnly) {
  auto sink = std::make_shared<Recorder>();
  Responder responder(sink);
  Responder copy = responder;
  copy.respond(HttpResponse::text(200, "one"));
  responder.respond(HttpResponse::text(200, "two"));
  EXPECT_TRUE(responder.responded());
  ASSERT_EQ(sink->answers.size(), 1u);
  EXPECT_EQ(sink->answers[0].body, "one");
}

TEST(Responder, AnswersServerErrorWhenDroppedUnanswered) {
  auto sink = std::make_shared<Recorder>();
  {
    Responder responder(sink);
    Responder copy = responder;
  }
  ASSERT_EQ(sink->answers.size(), 1u);
  EXPECT_EQ(sink->answers[0].status, 500);
}

TEST(Responder, DoesNothingOnceTheConnectionIsGone) {
  auto sink = std::make_shared<Recorder>();
  Responder responder(sink);
  sink.reset();
  responder.respond(HttpResponse::text(200, "late"));  // must not crash
  EXPECT_TRUE(responder.responded());
}

}  // namespace
}  // namespace zenhub::hub::http
