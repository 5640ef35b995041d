#include "hub/monitor_directory.h"

#include "store/store.h"

namespace zenhub::hub {

MonitorDirectory::MonitorDirectory(boost::asio::io_context& io, std::string storeUri, Clock::duration remember)
    : storeUri_(std::move(storeUri)),
      remember_(remember),
      store_(std::make_shared<std::unique_ptr<store::Store>>()),
      runner_(io, 1) {}

MonitorDirectory::~MonitorDirectory() = default;

kj::Promise<bool> MonitorDirectory::exists(const std::string& name) {
  auto it = known_.find(name);
  if (it != known_.end() && Clock::now() - it->second < remember_) return true;
  auto store = store_;
  std::string uri = storeUri_;
  std::string path = std::string(model::kCollectorsRoot) + "/" + name;
  return runner_.run<bool>([store, uri, path]() {
           if (!*store) *store = store::openStore(uri);
           try {
             auto object = (*store)->read()->get(path);
             return object.has_value() && object->className == model::cls::kCollector;
           } catch (const store::StoreError&) {
             store->reset();  // reconnect next time
             throw;
           }
         })
      .then([this, name](bool found) {
        if (found) {
          known_[name] = Clock::now();
        } else {
          known_.erase(name);
        }
        return found;
      });
}

}  // namespace zenhub::hub
