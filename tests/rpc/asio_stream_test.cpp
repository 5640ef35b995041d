// AsioStream: the kj::AsyncIoStream over asio handles. Peers are raw blocking descriptors, often
// on their own thread, so the stream's non-blocking paths (partial writes, EAGAIN) really happen.
#include <gtest/gtest.h>
#include <kj/async-io.h>
#include <kj/debug.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "rpc/asio_stream.h"
#include "test_loop.h"

namespace zenhub::rpc {
namespace {

namespace asio = boost::asio;
using namespace testing;

constexpr size_t kBig = 4u << 20;

std::vector<kj::byte> pattern(size_t size) {
  std::vector<kj::byte> out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<kj::byte>((i ^ (i >> 8) ^ (i >> 16)) * 31u);
  return out;
}

// Index of the first difference, or -1.
long firstMismatch(const std::string& got, const std::vector<kj::byte>& want) {
  if (got.size() != want.size()) return static_cast<long>(std::min(got.size(), want.size()));
  for (size_t i = 0; i < got.size(); ++i) {
    if (static_cast<kj::byte>(got[i]) != want[i]) return static_cast<long>(i);
  }
  return -1;
}

void setSmallBuffers(int fd) {
  int size = 4096;
  ASSERT_EQ(::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size), 0);
  ASSERT_EQ(::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size), 0);
}

std::string text(const kj::byte* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

kj::ArrayPtr<const kj::byte> bytes(const char* s) {
  return kj::ArrayPtr<const kj::byte>(reinterpret_cast<const kj::byte*>(s), std::strlen(s));
}

// Drains what is ready now (data already in the kernel), without blocking.
void runReady(asio::io_context& io) {
  for (int i = 0; i < 10; ++i) {
    if (io.stopped()) io.restart();
    io.poll();
  }
}

class AsioStreamTest : public ::testing::Test {
 protected:
  // KJ and the port declare throwing destructors; gtest's base class does not.
  ~AsioStreamTest() noexcept override {}

  // A stream on one end of a Unix socket pair; the other end is a raw blocking descriptor.
  void makeUnix(size_t readBuffer = UnixStream::kDefaultReadBuffer, bool smallBuffers = false) {
    auto [a, b] = unixPair(loop_.io);
    if (smallBuffers) {
      setSmallBuffers(a.native_handle());
      setSmallBuffers(b.native_handle());
    }
    peer_ = release(b);
    stream_ = kj::heap<UnixStream>(std::move(a), readBuffer);
  }

  Loop loop_;
  Fd peer_;
  kj::Own<UnixStream> stream_;
};

TEST_F(AsioStreamTest, LargeWriteCompletesThroughPartialWritesAndEagain) {
  makeUnix(UnixStream::kDefaultReadBuffer, true);
  auto data = pattern(kBig);
  auto write = stream_->write(data.data(), data.size());
  // Nobody reads yet: the kernel took only part of it and the rest waits for writability.
  EXPECT_GT(stream_->bytesWritten(), 0u);
  EXPECT_LT(stream_->bytesWritten(), kBig);
  std::string got;
  std::thread reader([&]() { got = readUpTo(peer_.get(), kBig); });
  bool ok = true;
  try {
    settle(loop_.io, kj::mv(write), 20000ms);
  } catch (const kj::Exception& e) {
    ok = false;
    ADD_FAILURE() << e.getDescription().cStr();
    peer_.reset();  // unblock the reader
  }
  reader.join();
  ASSERT_TRUE(ok);
  EXPECT_EQ(firstMismatch(got, data), -1);
  EXPECT_EQ(stream_->bytesWritten(), kBig);
}

TEST_F(AsioStreamTest, GatheredWriteOfManyPiecesArrivesInOrder) {
  makeUnix(UnixStream::kDefaultReadBuffer, true);
  auto data = pattern(kBig + 12345);
  // 1 to ~40 KiB pieces, far more than one writev takes (64), some empty.
  std::vector<kj::ArrayPtr<const kj::byte>> pieces;
  for (size_t at = 0, i = 0; at < data.size(); ++i) {
    size_t size = std::min(data.size() - at, (i * 7919) % 40000 + (i % 5 == 0 ? 0 : 1));
    pieces.push_back(kj::ArrayPtr<const kj::byte>(data.data() + at, size));
    at += size;
  }
  ASSERT_GT(pieces.size(), 64u);
  auto write = stream_->write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>>(pieces.data(), pieces.size()));
  EXPECT_LT(stream_->bytesWritten(), data.size());
  std::string got;
  std::thread reader([&]() { got = readUpTo(peer_.get(), data.size()); });
  bool ok = true;
  try {
    settle(loop_.io, kj::mv(write), 20000ms);
  } catch (const kj::Exception& e) {
    ok = false;
    ADD_FAILURE() << e.getDescription().cStr();
    peer_.reset();
  }
  reader.join();
  ASSERT_TRUE(ok);
  EXPECT_EQ(firstMismatch(got, data), -1);
}

TEST_F(AsioStreamTest, DroppedReadLosesNoBytes) {
  makeUnix();
  kj::byte first[16];
  std::memset(first, 'x', sizeof first);
  {
    auto dropped = stream_->tryRead(first, 1, sizeof first);
    runReady(loop_.io);
  }  // cancelled while waiting for readability
  // A new read, pending before the bytes arrive, gets them through the same asio wait.
  kj::byte second[5];
  auto read = stream_->tryRead(second, 5, 5);
  writeAll(peer_.get(), "hello", 5);
  EXPECT_EQ(settle(loop_.io, kj::mv(read)), 5u);
  EXPECT_EQ(text(second, 5), "hello");
  // Dropped again; this time the bytes arrive before the next read starts.
  {
    auto dropped = stream_->tryRead(first, 1, sizeof first);
  }
  writeAll(peer_.get(), "world!", 6);
  runReady(loop_.io);
  kj::byte third[16];
  EXPECT_EQ(settle(loop_.io, stream_->tryRead(third, 6, sizeof third)), 6u);
  EXPECT_EQ(text(third, 6), "world!");
  EXPECT_EQ(text(first, sizeof first), std::string(sizeof first, 'x')) << "a dropped read wrote";
}

class AsioStreamReadBufferTest : public AsioStreamTest,
                                 public ::testing::WithParamInterface<size_t> {
 protected:
  ~AsioStreamReadBufferTest() noexcept override {}
};

std::string bufferName(const ::testing::TestParamInfo<size_t>& param) {
  return "Buffer" + std::to_string(param.param);
}

TEST_P(AsioStreamReadBufferTest, ShortReadsHonourMinAndMaxBytes) {
  makeUnix(GetParam());
  writeAll(peer_.get(), "0123456789", 10);
  kj::byte buf[100];
  EXPECT_EQ(settle(loop_.io, stream_->tryRead(buf, 3, 5)), 5u);
  EXPECT_EQ(text(buf, 5), "01234");
  EXPECT_EQ(settle(loop_.io, stream_->tryRead(buf, 1, 100)), 5u);
  EXPECT_EQ(text(buf, 5), "56789");

  // Fewer than minBytes available: the read keeps waiting.
  size_t got = 0;
  auto read = stream_->tryRead(buf, 8, 100).then([&](size_t n) { got = n; }).eagerlyEvaluate(nullptr);
  writeAll(peer_.get(), "abcd", 4);
  runReady(loop_.io);
  EXPECT_EQ(got, 0u) << "returned before minBytes";
  writeAll(peer_.get(), "efgh", 4);
  ASSERT_TRUE(runUntil(loop_.io, [&]() { return got != 0; }));
  EXPECT_EQ(got, 8u);
  EXPECT_EQ(text(buf, 8), "abcdefgh");
}

TEST_P(AsioStreamReadBufferTest, EofReturnsFewerBytesThanMinBytes) {
  makeUnix(GetParam());
  writeAll(peer_.get(), "abc", 3);
  ::shutdown(peer_.get(), SHUT_WR);
  kj::byte buf[10];
  EXPECT_EQ(settle(loop_.io, stream_->tryRead(buf, 10, 10)), 3u);
  EXPECT_EQ(text(buf, 3), "abc");
  EXPECT_EQ(settle(loop_.io, stream_->tryRead(buf, 1, 10)), 0u);
}

INSTANTIATE_TEST_SUITE_P(ReadBufferSizes, AsioStreamReadBufferTest,
                         ::testing::Values(size_t{0}, size_t{4}, size_t{8192}), bufferName);

TEST_F(AsioStreamTest, PeerResetGivesDisconnectedOnRead) {
  auto [server, client] = tcpPair(loop_.io);
  TcpStream stream(std::move(server));
  Fd peer = release(client);
  kj::byte buf[10];
  auto read = stream.tryRead(buf, 1, sizeof buf);
  runReady(loop_.io);
  linger reset{1, 0};  // close() now sends RST
  ASSERT_EQ(::setsockopt(peer.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset), 0);
  peer.reset();
  auto error = settleError(loop_.io, kj::mv(read));
  EXPECT_EQ(error.getType(), kj::Exception::Type::DISCONNECTED) << error.getDescription().cStr();
}

// Writes `data` until a write fails; fails with FAILED if `left` writes all succeed.
template <typename Stream>
kj::Promise<void> writeUntilError(Stream& stream, const std::vector<kj::byte>& data, int left) {
  if (left == 0) return KJ_EXCEPTION(FAILED, "every write succeeded");
  return stream.write(data.data(), data.size()).then([&stream, &data, left]() {
    return writeUntilError(stream, data, left - 1);
  });
}

TEST_F(AsioStreamTest, WriteAfterPeerClosedGivesDisconnected) {
  auto [server, client] = tcpPair(loop_.io);
  TcpStream stream(std::move(server));
  client.close();
  auto data = pattern(64 * 1024);
  auto error = settleError(loop_.io, writeUntilError(stream, data, 1000));
  EXPECT_EQ(error.getType(), kj::Exception::Type::DISCONNECTED) << error.getDescription().cStr();
}

TEST_F(AsioStreamTest, DestroyingStreamWithPendingReadAndWriteIsSafe) {
  makeUnix(UnixStream::kDefaultReadBuffer, true);
  auto data = pattern(kBig);
  auto buf = kj::heapArray<kj::byte>(64);
  auto read = stream_->tryRead(buf.begin(), 1, buf.size());
  auto write = stream_->write(data.data(), data.size());
  ASSERT_LT(stream_->bytesWritten(), kBig) << "the write should be waiting for the peer";
  writeAll(peer_.get(), "late", 4);  // the read is now ready in the kernel, not yet seen by asio
  stream_ = nullptr;
  // Both asio waits complete (aborted) after the stream is gone; their handlers must not touch it.
  loop_.io.run();  // returns: nothing is left waiting
  // The operations end (rejected), they do not hang.
  settleError(loop_.io, kj::mv(read));
  settleError(loop_.io, kj::mv(write));
}

TEST_F(AsioStreamTest, ShutdownWriteGivesPeerEof) {
  makeUnix();
  settle(loop_.io, stream_->write(bytes("bye").begin(), 3));
  stream_->shutdownWrite();
  EXPECT_EQ(readUpTo(peer_.get(), 100), "bye");  // returns at EOF, not after 100 bytes
  auto error = settleError(loop_.io, stream_->write(bytes("more").begin(), 4));
  EXPECT_EQ(error.getType(), kj::Exception::Type::DISCONNECTED);
}

struct Pipe {
  Pipe() {
    int fds[2];
    KJ_SYSCALL(::pipe2(fds, O_CLOEXEC));
    read = Fd(fds[0]);
    write = Fd(fds[1]);
  }
  Fd read;
  Fd write;
};

TEST_F(AsioStreamTest, PipePairReadsFromOneAndWritesToTheOther) {
  Pipe toHub, toChild;  // a child's stdout and stdin
  asio::posix::stream_descriptor in(loop_.io, ::dup(toHub.read.get()));
  asio::posix::stream_descriptor out(loop_.io, ::dup(toChild.write.get()));
  toHub.read.reset();
  toChild.write.reset();
  PipeStream stream(std::move(in), std::move(out));

  writeAll(toHub.write.get(), "from child", 10);
  kj::byte buf[10];
  EXPECT_EQ(settle(loop_.io, stream.tryRead(buf, 10, 10)), 10u);
  EXPECT_EQ(text(buf, 10), "from child");

  settle(loop_.io, stream.write(bytes("to child").begin(), 8));
  EXPECT_EQ(readUpTo(toChild.read.get(), 8), "to child");

  stream.shutdownWrite();
  EXPECT_EQ(readUpTo(toChild.read.get(), 1), "") << "the child's stdin should see EOF";
  toHub.write.reset();
  EXPECT_EQ(settle(loop_.io, stream.tryRead(buf, 1, 10)), 0u) << "the child's stdout closed";
}

TEST_F(AsioStreamTest, PipeWriteAfterReaderClosedGivesDisconnected) {
  Pipe toHub, toChild;
  asio::posix::stream_descriptor in(loop_.io, ::dup(toHub.read.get()));
  asio::posix::stream_descriptor out(loop_.io, ::dup(toChild.write.get()));
  toChild.write.reset();
  PipeStream stream(std::move(in), std::move(out));
  toChild.read.reset();  // the child exited
  auto data = pattern(1024);
  auto error = settleError(loop_.io, writeUntilError(stream, data, 10));
  EXPECT_EQ(error.getType(), kj::Exception::Type::DISCONNECTED) << error.getDescription().cStr();
}

}  // namespace
}  // namespace zenhub::rpc
