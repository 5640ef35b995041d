// The password file parser: any bytes give a parsed file or a PasswdError, nothing else.
#include <cstdint>
#include <string_view>

#include "rpc/passwd_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto file = zenhub::rpc::PasswdFile::parse(text, "fuzz");
    for (const auto& user : file.plaintextUsers()) (void)file.verify(user, "x");
    (void)file.serialize();
  } catch (const zenhub::rpc::PasswdError&) {
  }
  return 0;
}
