// The worker link's write coalescing, on an in-memory pipe and a bare KJ loop: no processes.
#include "rpc/coalescing_stream.h"

#include <gtest/gtest.h>
#include <kj/async-io.h>

namespace zenhub::rpc {
namespace {

// A bare KJ loop and an in-memory pipe; `out` writes into end 0, the test reads end 1.
struct Loop {
  kj::EventLoop loop;
  kj::WaitScope ws{loop};
  kj::TwoWayPipe pipe = kj::newTwoWayPipe();
  kj::AsyncIoStream& reader = *pipe.ends[1];
  CoalescingStream out{*pipe.ends[0]};

  void send(kj::StringPtr text) {
    auto bytes = text.asBytes();
    kj::ArrayPtr<const kj::byte> pieces[] = {bytes.slice(0, 1), bytes.slice(1, bytes.size())};
    // Completes at once (the bytes are copied): the promise can be dropped.
    out.write(kj::arrayPtr(pieces, 2));
  }
  std::string read(size_t n) {
    std::string s(n, '\0');
    reader.read(s.data(), n).wait(ws);
    return s;
  }
  bool fails(kj::Promise<void> p) {
    return p.then([]() { return false; }, [](kj::Exception&&) { return true; }).wait(ws);
  }
};

TEST(CoalescingStream, WritesOfOnePassGoOutAsOneWriteInOrder) {
  Loop l;
  l.send("call-1 ");
  l.send("finish-0 ");
  l.send("call-2 ");
  EXPECT_EQ(l.out.flushes(), 0u);  // nothing until the loop runs
  EXPECT_EQ(l.read(23), "call-1 finish-0 call-2 ");
  EXPECT_EQ(l.out.flushes(), 1u);
}

TEST(CoalescingStream, WhatIsWrittenDuringAFlushGoesInTheNextOne) {
  Loop l;
  l.send("a");
  l.ws.poll();  // the flush has started; the in-memory pipe holds it until it is read
  EXPECT_EQ(l.out.flushes(), 1u);
  l.send("b");
  l.send("c");
  EXPECT_EQ(l.read(3), "abc");
  EXPECT_EQ(l.out.flushes(), 2u);
}

TEST(CoalescingStream, ShutdownWriteWaitsForWhatIsBuffered) {
  Loop l;
  l.send("last words");
  l.out.shutdownWrite();
  EXPECT_EQ(l.reader.readAllText().wait(l.ws), "last words");
  EXPECT_TRUE(l.fails(l.out.write("x", 1)));
}

TEST(CoalescingStream, AFailedFlushFailsEveryLaterWrite) {
  Loop l;
  l.pipe.ends[1] = nullptr;  // the worker is gone
  l.send("lost");
  l.ws.poll();
  EXPECT_TRUE(l.fails(l.out.write("more", 4)));
}

TEST(CoalescingStream, ABigWriteGoesFromTheCallersBufferAfterWhatWasBufferedAndBeforeWhatFollows) {
  Loop l;
  l.send("before ");
  std::string big(CoalescingStream::kDirectWrite, 'B');
  bool bigDone = false;
  auto bigWrite = l.out.write(big.data(), big.size()).then([&]() { bigDone = true; }).eagerlyEvaluate(nullptr);
  EXPECT_EQ(l.out.buffered(), 7u);  // the big one is not copied (Cap'n Proto's queue counts it)
  EXPECT_LT(l.out.capacity(), big.size());
  l.send(" after");
  EXPECT_EQ(l.read(7), "before ");
  EXPECT_FALSE(bigDone);  // completes only once written: its buffer is in use until then
  EXPECT_EQ(l.read(big.size()), big);
  bigWrite.wait(l.ws);
  EXPECT_TRUE(bigDone);
  EXPECT_EQ(l.read(6), " after");
  EXPECT_EQ(l.out.flushes(), 3u);
}

TEST(CoalescingStream, ABigBurstsBufferIsFreedWhenTheStreamGoesIdle) {
  Loop l;
  std::string chunk(4096, 'x');
  for (int i = 0; i < 100; ++i) l.send(chunk);  // 400 KB of small writes in one pass
  EXPECT_GE(l.out.capacity(), 100u * chunk.size());
  EXPECT_EQ(l.out.buffered(), 100u * chunk.size());
  EXPECT_EQ(l.read(100 * chunk.size()).size(), 100u * chunk.size());
  l.ws.poll();  // the pump finds nothing more: idle
  EXPECT_EQ(l.out.buffered(), 0u);
  EXPECT_LE(l.out.capacity(), CoalescingStream::kIdleKeep);
}

TEST(CoalescingStream, AFailureRejectsABigWriteWaitingBehindBufferedBytes) {
  Loop l;
  l.pipe.ends[1] = nullptr;  // the peer is gone
  l.send("lost");
  std::string big(CoalescingStream::kDirectWrite, 'B');
  EXPECT_TRUE(l.fails(l.out.write(big.data(), big.size())));
  EXPECT_TRUE(l.fails(l.out.write("more", 4)));
}

}  // namespace
}  // namespace zenhub::rpc
