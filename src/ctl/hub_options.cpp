#include "ctl/hub_options.h"

#include <fstream>
#include <stdexcept>

namespace zenhub::ctl {

void addHubFlags(CLI::App& cmd, HubFlags& f) {
  cmd.add_option("--hub", f.hub, "The hub's collector address host:port")->capture_default_str();
  cmd.add_option("--user", f.user, "User to log in as")->capture_default_str();
  cmd.add_option("--password-file", f.passwordFile, "File whose first line is the password (empty with a client certificate)");
  cmd.add_option("--monitor", f.monitor, "Collector (monitor) to act as")->capture_default_str();
  cmd.add_option("--tls-ca", f.tlsCa, "Connect with TLS, trusting this CA (PEM)");
  cmd.add_option("--tls-cert", f.tlsCert, "Client certificate (PEM), when the hub asks for one");
  cmd.add_option("--tls-key", f.tlsKey, "Key of --tls-cert (PEM)");
  cmd.add_option("--tls-server-name", f.tlsServerName, "Name the hub's certificate must carry")->capture_default_str();
  cmd.add_option("--timeout", f.timeoutSeconds, "Seconds to wait for the hub")->capture_default_str();
}

client::ClientOptions toClientOptions(const HubFlags& f, const std::string& clientName) {
  client::ClientOptions o;
  auto colon = f.hub.rfind(':');
  if (colon == std::string::npos || colon == 0) throw std::runtime_error("--hub: expected host:port, got '" + f.hub + "'");
  o.host = f.hub.substr(0, colon);
  try {
    o.port = static_cast<uint16_t>(std::stoul(f.hub.substr(colon + 1)));
  } catch (const std::exception&) {
    throw std::runtime_error("--hub: bad port in '" + f.hub + "'");
  }
  o.user = f.user;
  o.password.clear();
  if (!f.passwordFile.empty()) {
    std::ifstream in(f.passwordFile);
    if (!in) throw std::runtime_error("cannot read password file " + f.passwordFile);
    std::getline(in, o.password);
    if (!o.password.empty() && o.password.back() == '\r') o.password.pop_back();
  }
  o.monitor = f.monitor;
  o.clientName = clientName;
  o.clientVersion = "0.1.0";
  if (!f.tlsCa.empty()) o.tls = client::TlsOptions{f.tlsCa, f.tlsCert, f.tlsKey, f.tlsServerName};
  return o;
}

}  // namespace zenhub::ctl
