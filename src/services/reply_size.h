// First-segment size hints for replies. A reply built in a segment of about its final size is
// not copied segment to segment as it grows (a full config reply is tens of MiB); passing a hint
// also keeps getResults() from copying an unset kj::Maybe, which GCC's sanitizer builds warn on.
#pragma once

#include <capnp/message.h>

#include <cstddef>

namespace zenhub::services {

// `words` 8-byte words, at least a small reply's worth.
inline capnp::MessageSize replySize(size_t words) {
  return capnp::MessageSize{words < 64 ? 64 : words, 0};
}

}  // namespace zenhub::services
