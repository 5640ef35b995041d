#include "services/errors.h"

#include <kj/string.h>

namespace zenhub::services {

kj::Exception serviceError(const char* code, const std::string& message) {
  return kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__,
                       kj::str("zenhub.", code, ": ", message.c_str()));
}

}  // namespace zenhub::services
