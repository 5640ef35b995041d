# The sample plugin service's interface (src/services/sample_plugin, docs/writing-services.md):
# a tiny inventory of the devices a collector monitors. A plugin's schema is its own file with
# its own id; collectors get the service with Hub.getService("SampleInventory", monitor, ...)
# and cast the capability to this interface.
@0xd5a3c7e41b2f9a60;

$import "/capnp/c++.capnp".namespace("zenhub::sample");

struct DeviceSummary {
  id @0 :Text;
  title @1 :Text;
  manageIp @2 :Text;
  deviceClass @3 :Text;     # its path below /Devices, e.g. "/Server/Linux"
}

interface Inventory {
  count @0 () -> (monitor :Text, devices :UInt32);
  # How many devices this instance's monitor (collector) has.

  list @1 (prefix :Text) -> (devices :List(DeviceSummary));
  # Its devices whose id starts with `prefix` ("" = all), ordered by id.
}
