#include "store/model_generator.h"

#include <cstdio>
#include <random>

namespace zenhub::store {

namespace cls = model::cls;
using model::Properties;
using model::StringList;

namespace {

class Builder {
 public:
  std::string add(const std::string& parent, std::string_view className, const std::string& id, Properties props = {}) {
    ObjectSpec spec;
    spec.parentPath = parent;
    spec.className = std::string(className);
    spec.id = id;
    spec.properties = std::move(props);
    spec.origin = "generated";
    std::string path = spec.path();
    specs.push_back(std::move(spec));
    return path;
  }
  std::vector<ObjectSpec> specs;
};

std::string addSnmpDataSource(Builder& b, const std::string& tmpl, const std::string& name, const std::string& oid,
                              std::int64_t cycle, const std::string& rrdtype) {
  std::string ds = b.add(tmpl, cls::kDataSource, name,
                         {{"type", std::string("SNMP")}, {"oid", oid}, {"cycletime", cycle}});
  b.add(ds, cls::kDataPoint, name, {{"rrdtype", rrdtype}});
  return ds;
}

void addTemplates(Builder& b, const std::string& classPath, bool server) {
  std::string dev = b.add(classPath, cls::kTemplate, "Device", {{"description", std::string("Device-level metrics")}});
  addSnmpDataSource(b, dev, "sysUpTime", "1.3.6.1.2.1.1.3.0", 300, "GAUGE");
  if (server) {
    addSnmpDataSource(b, dev, "laLoadInt5", "1.3.6.1.4.1.2021.10.1.5.2", 300, "GAUGE");
    addSnmpDataSource(b, dev, "memAvailReal", "1.3.6.1.4.1.2021.4.6.0", 300, "GAUGE");
    b.add(dev, cls::kThreshold, "highLoad",
          {{"type", std::string("MinMaxThreshold")}, {"dsnames", StringList{"laLoadInt5_laLoadInt5"}},
           {"maxval", std::int64_t{800}}, {"severity", std::int64_t{4}}});
    std::string ping = b.add(dev, cls::kDataSource, "ping", {{"type", std::string("PING")}, {"cycletime", std::int64_t{60}}});
    b.add(ping, cls::kDataPoint, "rtt", {{"rrdtype", std::string("GAUGE")}});
  }
  std::string eth = b.add(classPath, cls::kTemplate, "ethernetCsmacd");
  addSnmpDataSource(b, eth, "ifHCInOctets", "1.3.6.1.2.1.31.1.1.1.6", 300, "DERIVE");
  addSnmpDataSource(b, eth, "ifHCOutOctets", "1.3.6.1.2.1.31.1.1.1.10", 300, "DERIVE");
  b.add(eth, cls::kThreshold, "utilisation",
        {{"dsnames", StringList{"ifHCInOctets_ifHCInOctets", "ifHCOutOctets_ifHCOutOctets"}},
         {"maxval", std::int64_t{900000000}}, {"severity", std::int64_t{3}}});
  if (server) {
    std::string fs = b.add(classPath, cls::kTemplate, "FileSystem");
    addSnmpDataSource(b, fs, "usedBlocks", "1.3.6.1.2.1.25.2.3.1.6", 300, "GAUGE");
    std::string proc = b.add(classPath, cls::kTemplate, "OSProcess");
    std::string cpu = b.add(proc, cls::kDataSource, "cpu",
                            {{"type", std::string("COMMAND")},
                             {"commandTemplate", std::string("ps -o pcpu= -C ${here/procName}")},
                             {"cycletime", std::int64_t{300}}});
    b.add(cpu, cls::kDataPoint, "cpu", {{"rrdtype", std::string("GAUGE")}});
  }
}

}  // namespace

std::vector<ObjectSpec> generateModel(const GeneratorOptions& options) {
  std::mt19937_64 rng(options.seed);  // the engine's sequence is fixed by the standard
  Builder b;
  std::vector<std::string> collectors;
  for (std::int64_t i = 0; i < std::max<std::int64_t>(1, options.collectors); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "collector%03lld", static_cast<long long>(i + 1));
    collectors.emplace_back(i == 0 ? "localhost" : name);
    b.add(std::string(model::kCollectorsRoot), cls::kCollector, collectors.back(),
          {{"pingCycleInterval", std::int64_t{60}}, {"snmpCycleInterval", std::int64_t{300}},
           {"processCycleInterval", std::int64_t{180}}, {"statusCycleInterval", std::int64_t{60}},
           {"configCycleInterval", std::int64_t{360}}});
  }

  std::string root(model::kDevicesRoot);
  b.specs.push_back(ObjectSpec{"", std::string(cls::kDeviceClass), "Devices",
                               {{"zSnmpCommunity", std::string("public")}, {"zSnmpVer", std::string("v2c")}},
                               "generated", false});
  addTemplates(b, root, false);
  std::string server = b.add(root, cls::kDeviceClass, "Server");
  std::string linuxClass = b.add(server, cls::kDeviceClass, "Linux",
                            {{"zCommandUsername", std::string("zenoss")},
                             {"zCollectorPlugins", StringList{"zenoss.snmp.NewDeviceMap", "zenoss.snmp.InterfaceMap",
                                                              "zenoss.snmp.HRFileSystemMap", "zenoss.snmp.HRSWRunMap"}}});
  addTemplates(b, linuxClass, true);
  std::string network = b.add(root, cls::kDeviceClass, "Network", {{"zPingMonitorIgnore", false}});
  std::string router = b.add(network, cls::kDeviceClass, "Router",
                             {{"zSnmpCommunity", std::string("netops")}, {"zSnmpTimeout", 5.0}});
  addTemplates(b, router, false);
  std::string ping = b.add(root, cls::kDeviceClass, "Ping", {{"zSnmpMonitorIgnore", true}});

  const std::string classes[] = {linuxClass, linuxClass, linuxClass, router, ping};
  for (std::int64_t i = 0; i < options.devices; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "dev%06lld", static_cast<long long>(i + 1));
    const std::string& classPath = classes[rng() % 5];
    auto n = static_cast<std::uint64_t>(i);
    std::string ip = "10." + std::to_string((n >> 16) & 0xFF) + "." + std::to_string((n >> 8) & 0xFF) + "." +
                     std::to_string(n & 0xFF);
    Properties props = {{"title", std::string(id) + ".example.net"},
                        {"manageIp", ip},
                        {"perfServer", collectors[static_cast<size_t>(i) % collectors.size()]},
                        {"productionState", std::int64_t{rng() % 10 == 0 ? 500 : 1000}}};
    if (rng() % 20 == 0) props.emplace("zSnmpCommunity", std::string("private"));
    std::string dev = b.add(classPath, cls::kDevice, id, std::move(props));
    if (classPath == ping) continue;
    int interfaces = classPath == router ? 4 : 2;
    for (int k = 0; k < interfaces; ++k) {
      Properties iface = {{"type", std::string("ethernetCsmacd")}, {"ifindex", std::int64_t{k + 1}},
                          {"speed", std::int64_t{1000000000}}};
      if (k == 0) iface.emplace("ipAddresses", StringList{ip + "/16"});
      b.add(dev, cls::kInterface, "eth" + std::to_string(k), std::move(iface));
    }
    if (classPath == linuxClass) {
      b.add(dev, cls::kFileSystem, "root", {{"mount", std::string("/")}, {"blockSize", std::int64_t{4096}},
                                            {"totalBlocks", static_cast<std::int64_t>(1000000 + rng() % 9000000)}});
      b.add(dev, cls::kProcess, "sshd", {{"regex", std::string("^/usr/sbin/sshd")}, {"procName", std::string("sshd")}});
      b.add(dev, cls::kIpService, "tcp_00022", {{"port", std::int64_t{22}}, {"protocol", std::string("tcp")}});
    }
  }
  return std::move(b.specs);
}

}  // namespace zenhub::store
