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

}  // namespace
}  // namespace zenhub::rpc
