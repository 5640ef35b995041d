// A minimal zenhub collector in C++ with nothing but Cap'n Proto and the hub's schemas (installed
// in /usr/share/zenhub/schema): connect, log in, ask for PingConfig with a listener, print the
// device configs, then print every push until it has seen `--pushes` of them (0: forever).
// docs/collector-protocol.md walks through it; a test runs it against a real hub.
//
//   cd /usr/share/zenhub/schema && capnp compile -oc++:$OLDPWD hub.capnp services.capnp && cd -
//   g++ -std=c++20 -I. minimal_collector.cpp *.capnp.c++ $(pkg-config --cflags --libs capnp-rpc)
//   ./a.out 127.0.0.1:8789 admin zenoss localhost
#include <capnp/ez-rpc.h>
#include <kj/async.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "hub.capnp.h"
#include "services.capnp.h"

using zenhub::schema::PingConfig;
using zenhub::schema::PingDeviceConfig;
using Listener = zenhub::schema::ServiceListener<PingDeviceConfig>;

// Receives the hub's pushes. Each must be answered promptly (returning is the answer), or the
// hub drops the listener.
class PrintingListener final : public Listener::Server {
 public:
  PrintingListener(int& pushes, kj::Own<kj::PromiseFulfiller<void>> done, int wanted)
      : pushes_(pushes), done_(kj::mv(done)), wanted_(wanted) {}

 protected:
  kj::Promise<void> updateDeviceConfigs(UpdateDeviceConfigsContext context) override {
    for (auto config : context.getParams().getConfigs()) {
      std::cout << "push: updateDeviceConfigs " << config.getDeviceId().cStr() << " "
                << config.getManageIp().cStr() << "\n";
    }
    return counted();
  }
  kj::Promise<void> deleteDevices(DeleteDevicesContext context) override {
    for (auto id : context.getParams().getDeviceIds()) std::cout << "push: deleteDevices " << id.cStr() << "\n";
    return counted();
  }
  kj::Promise<void> notifyConfigChanged(NotifyConfigChangedContext) override {
    std::cout << "push: notifyConfigChanged (re-read everything)\n";
    return counted();
  }
  kj::Promise<void> setPropertyItems(SetPropertyItemsContext context) override {
    std::cout << "push: setPropertyItems " << context.getParams().getItems().size() << " items\n";
    return counted();
  }
  kj::Promise<void> updateThresholdClasses(UpdateThresholdClassesContext) override {
    std::cout << "push: updateThresholdClasses\n";
    return counted();
  }

 private:
  kj::Promise<void> counted() {
    std::cout.flush();
    if (++pushes_ == wanted_) done_->fulfill();
    return kj::READY_NOW;
  }
  int& pushes_;
  kj::Own<kj::PromiseFulfiller<void>> done_;
  int wanted_;
};

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: minimal_collector HOST:PORT USER PASSWORD MONITOR [PUSHES]\n";
    return 2;
  }
  int wanted = argc > 5 ? std::atoi(argv[5]) : 0;
  try {
    // 1. Connect: the bootstrap capability is Login.
    capnp::EzRpcClient client(argv[1]);
    auto& waitScope = client.getWaitScope();
    auto login = client.getMain<zenhub::schema::Login>();

    // 2. Log in; the answer is the Hub capability.
    auto request = login.loginRequest();
    request.setUser(argv[2]);
    request.setPassword(argv[3]);
    auto info = request.initClientInfo();
    info.setName("minimal_collector");
    info.setVersion("1.0");
    info.setMonitor(argv[4]);
    auto hub = request.send().wait(waitScope).getHub();
    std::cout << "logged in to " << hub.getHubInstanceIdRequest().send().wait(waitScope).getId().cStr() << "\n";

    // 3. Ask for the PingConfig service of our monitor, registering a listener for pushes.
    int pushes = 0;
    auto done = kj::newPromiseAndFulfiller<void>();
    auto service = hub.getServiceRequest();
    service.setName("PingConfig");
    service.setMonitor(argv[4]);
    // getService takes any listener (ServiceListener with its type parameter left open); ours
    // is the PingDeviceConfig one.
    Listener::Client listener = kj::heap<PrintingListener>(pushes, kj::mv(done.fulfiller), wanted);
    service.setListener(listener.castAs<zenhub::schema::ServiceListener<>>());
    auto ping = service.send().wait(waitScope).getService().castAs<PingConfig>();

    // 4. The current configs of every device of the monitor (no names: all of them).
    // Keep the response: its readers point into it.
    auto response = ping.getDeviceConfigsRequest().send().wait(waitScope);
    for (auto config : response.getConfigs()) {
      std::cout << "config " << config.getDeviceId().cStr() << " " << config.getManageIp().cStr() << " ("
                << config.getConfig().getMonitoredIps().size() << " ips)\n";
    }
    std::cout << "listening" << std::endl;

    // 5. Stay connected; the listener prints what the hub pushes.
    if (wanted > 0) {
      done.promise.wait(waitScope);
    } else {
      kj::NEVER_DONE.wait(waitScope);
    }
    return 0;
  } catch (const kj::Exception& e) {
    // Errors carry a stable code: "zenhub.authFailed: ...", "zenhub.unknownMonitor: ...".
    std::cerr << "minimal_collector: " << e.getDescription().cStr() << "\n";
    return 1;
  }
}
