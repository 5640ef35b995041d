# Test-only interface: a server whose results are as big as the caller asks, to fill a
# connection's outbound queue.
@0xd3b4f1a2c5e60718;

$import "/capnp/c++.capnp".namespace("zenhub::test_schema");

interface Big {
  get @0 (size :UInt32) -> (data :Data);
  ping @1 () -> (reply :Text);
}
