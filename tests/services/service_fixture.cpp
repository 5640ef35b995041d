#include "service_fixture.h"

#include <fstream>
#include <sstream>

#include "store/model_loader.h"
#include "store/model_yaml.h"

namespace zenhub::services::testing {

std::string sampleModelText() {
  std::ifstream in(ZENHUB_SOURCE_DIR "/config/sample-model.yaml");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ServiceFixture::ServiceFixture(store::testing::Backend backend, bool loadSample)
    : test(backend), store(test.open()), events(store::openEventStore(test.uri())) {
  if (loadSample) {
    auto txn = store->write();
    store::loadModel(*txn, store::parseModelYaml(sampleModelText(), "sample-model.yaml"));
    txn->commit();
  }
}

std::vector<std::string> texts(capnp::List<capnp::Text>::Reader list) {
  std::vector<std::string> out;
  for (auto t : list) out.emplace_back(t);
  return out;
}

}  // namespace zenhub::services::testing
