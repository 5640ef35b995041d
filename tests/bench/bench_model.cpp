#include "bench_model.h"

#include <string>

#include "store/model_generator.h"

namespace zenhub::bench {

std::vector<store::ObjectSpec> snmpBenchModel(std::int64_t devices, std::int64_t collectors) {
  store::GeneratorOptions options;
  options.devices = devices;
  options.collectors = collectors;
  auto specs = store::generateModel(options);
  auto addSnmp = [&](const std::string& tmpl, const std::string& name, const std::string& oid) {
    specs.push_back(
        {tmpl,
         "RRDDataSource",
         name,
         {{"type", std::string("SNMP")}, {"oid", oid}, {"cycletime", std::int64_t{300}}},
         "bench",
         false});
    specs.push_back({tmpl + "/datasources/" + name,
                     "RRDDataPoint",
                     name,
                     {{"rrdtype", std::string("GAUGE")}},
                     "bench",
                     false});
  };
  for (int i = 0; i < 10; ++i) {
    addSnmp("/Devices/Server/Linux/rrdTemplates/Device", "extra" + std::to_string(i),
            "1.3.6.1.4.1.99999.1." + std::to_string(i));
  }
  for (int i = 0; i < 3; ++i) {
    addSnmp("/Devices/Server/Linux/rrdTemplates/ethernetCsmacd", "ifExtra" + std::to_string(i),
            "1.3.6.1.2.1.2.2.1." + std::to_string(20 + i));
  }
  return specs;
}

}  // namespace zenhub::bench
