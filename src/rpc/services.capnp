# zenhub's services, as collectors see them: the typed interfaces `Hub.getService` hands out,
# the values they return, and the listener collectors implement to receive pushes.
#
# Public API: evolve compatibly only (new fields and methods at the end with new ordinals).
# The hub forwards every call on these interfaces to a worker without decoding it; the worker
# runs the typed implementation on a consistent snapshot of the model.
@0xbef927681bb1c735;

$import "/capnp/c++.capnp".namespace("zenhub::schema");

# ---- Shared values --------------------------------------------------------------------------

struct Value {
  # A model property value (zProperties, collector properties).
  union {
    none @0 :Void;
    text @1 :Text;
    int @2 :Int64;
    float @3 :Float64;
    bool @4 :Bool;
    list @5 :List(Text);
  }
}

struct PropertyItem {
  # A named value: a collector's property items (cycle intervals, ...) or a device's zProperties.
  name @0 :Text;
  value @1 :Value;
}

struct Option {
  # One per-listener option passed to getService (e.g. "workerId"/"workers" to split a
  # collector's devices over several instances). A service accepts only the options it declares.
  key @0 :Text;
  value @1 :Text;
}

struct Bound {
  # An optional number (a datapoint's min/max, a threshold's min/max).
  union {
    none @0 :Void;
    value @1 :Float64;
  }
}

struct Threshold {
  # A min/max threshold on datapoints: an event when a value leaves [min, max].
  id @0 :Text;              # the threshold's name in its template
  template @1 :Text;        # the template it belongs to
  className @2 :Text;       # "MinMaxThreshold"
  dataPoints @3 :List(Text);  # datapoints it watches, "<datasource>_<datapoint>"
  min @4 :Bound;
  max @5 :Bound;
  severity @6 :Int32;       # 0 clear .. 5 critical
  eventClass @7 :Text;
  enabled @8 :Bool = true;
  component @9 :Text;       # the component whose datapoints it watches, "" for the device
}

struct DataPoint {
  id @0 :Text;              # "<datasource>_<datapoint>"
  name @1 :Text;            # the datapoint's own name
  rrdType @2 :Text;         # GAUGE, COUNTER, DERIVE, ABSOLUTE
  min @3 :Bound;
  max @4 :Bound;
  tags @5 :List(PropertyItem);  # device, component, template... for the metric's name
}

struct SnmpConnection {
  # How to reach a device over SNMP, from its resolved zSnmp* properties.
  address @0 :Text;
  port @1 :UInt16 = 161;
  version @2 :Text;         # "v1", "v2c" or "v3"
  community @3 :Text;       # v1 / v2c
  timeout @4 :Float64 = 2.5;  # seconds
  tries @5 :UInt32 = 2;
  securityName @6 :Text;    # v3
  authProtocol @7 :Text;    # v3: "MD5", "SHA", ... or empty
  authPassphrase @8 :Text;
  privProtocol @9 :Text;    # v3: "DES", "AES", ... or empty
  privPassphrase @10 :Text;
  contextName @11 :Text;
}

# ---- Config services ------------------------------------------------------------------------

struct DeviceConfig(Config) {
  # One device's configuration from a config service.
  deviceId @0 :Text;
  configId @1 :Text;        # usually the device id; the SNMP service makes one per distinct IP
  manageIp @2 :Text;
  config @3 :Config;        # the service's own struct
}

interface ServiceListener(Config) {
  # Implemented by the collector and passed to getService: the hub pushes changes through it.
  # Each push is awaited; a listener that fails or does not answer in time is dropped.
  updateDeviceConfigs @0 (configs :List(DeviceConfig(Config))) -> ();
  # Devices this collector monitors changed (or were added): their new configs.
  deleteDevices @1 (deviceIds :List(Text)) -> ();
  # Devices deleted, or moved to another collector.
  notifyConfigChanged @2 () -> ();
  # Something changed that needs a full re-read (getDeviceConfigs with no names).
  updateThresholdClasses @3 (classes :List(Text)) -> ();
  # The set of threshold classes changed.
  setPropertyItems @4 (items :List(PropertyItem)) -> ();
  # The collector object itself changed (cycle intervals, ...).
}

interface ConfigService(Config) {
  # What every config service offers. Only devices whose collector is this service's monitor,
  # and that the service does not exclude, are returned.
  getDeviceNames @0 () -> (names :List(Text));
  getDeviceConfigs @1 (names :List(Text)) -> (configs :List(DeviceConfig(Config)));
  # No names: every device of the monitor. Unknown or excluded names are left out.
  getConfigProperties @2 () -> (items :List(PropertyItem));
  # The collector's property items.
  getThresholdClasses @3 () -> (classes :List(Text));
  getCollectorThresholds @4 () -> (thresholds :List(Threshold));
  # Thresholds on the collector's own metrics.
}

struct PingIp {
  address @0 :Text;
  ipVersion @1 :UInt8 = 4;
  interface @2 :Text;       # the interface component, or "" for the manage IP
  cycleTime @3 :UInt32 = 60;
  tries @4 :UInt32 = 2;
  sampleSize @5 :UInt32 = 1;
  dataPoints @6 :List(DataPoint);
  thresholds @7 :List(Threshold);
}

struct PingDeviceConfig {
  monitoredIps @0 :List(PingIp);
  connectedIps @1 :List(Text);   # every IP of the device, for topology
}

interface PingConfig extends(ConfigService(PingDeviceConfig)) {}

struct SnmpOid {
  oid @0 :Text;
  component @1 :Text;       # "" for the device itself
  dataPoints @2 :List(DataPoint);
}

struct SnmpDeviceConfig {
  connection @0 :SnmpConnection;
  oids @1 :List(SnmpOid);
  cycleTime @2 :UInt32 = 300;
  thresholds @3 :List(Threshold);
}

interface SnmpConfig extends(ConfigService(SnmpDeviceConfig)) {}

struct CommandDataSource {
  id @0 :Text;              # datasource name
  template @1 :Text;
  component @2 :Text;       # "" for the device itself
  command @3 :Text;         # after ${dev/...} / ${here/...} substitution
  cycleTime @4 :UInt32 = 300;
  parser @5 :Text;
  dataPoints @6 :List(DataPoint);
  thresholds @7 :List(Threshold);
}

struct CommandDeviceConfig {
  user @0 :Text;            # zCommandUsername
  port @1 :UInt16 = 22;     # zCommandPort
  keyPath @2 :Text;         # zKeyPath
  commandTimeout @3 :Float64 = 15;
  dataSources @4 :List(CommandDataSource);
}

interface CommandConfig extends(ConfigService(CommandDeviceConfig)) {}

struct ProcessSpec {
  id @0 :Text;              # the OS process component
  name @1 :Text;
  matchRegex @2 :Text;
  ignoreParameters @3 :Bool;
  dataPoints @4 :List(DataPoint);
  thresholds @5 :List(Threshold);
}

struct ProcessDeviceConfig {
  connection @0 :SnmpConnection;
  processes @1 :List(ProcessSpec);
  cycleTime @2 :UInt32 = 180;
}

interface ProcessConfig extends(ConfigService(ProcessDeviceConfig)) {}

struct IpServiceCheck {
  component @0 :Text;       # the IP service component
  address @1 :Text;
  port @2 :UInt16;
  protocol @3 :Text;        # "tcp" or "udp"
  sendString @4 :Text;
  expectRegex @5 :Text;
  timeout @6 :Float64 = 10;
  failSeverity @7 :Int32 = 5;
}

struct StatusDeviceConfig {
  checks @0 :List(IpServiceCheck);
  cycleTime @1 :UInt32 = 60;
}

interface StatusConfig extends(ConfigService(StatusDeviceConfig)) {}

# ---- Events ---------------------------------------------------------------------------------

struct Event {
  device @0 :Text;
  component @1 :Text;
  eventClass @2 :Text;      # e.g. "/Status/Ping"
  eventKey @3 :Text;
  summary @4 :Text;
  message @5 :Text;
  severity @6 :Int32;       # 0 clear, 1 debug, 2 info, 3 warning, 4 error, 5 critical
  agent @7 :Text;           # the collector daemon
  monitor @8 :Text;
  timestamp @9 :Float64;    # seconds since the epoch; 0 = when the hub receives it
  details @10 :List(PropertyItem);
}

struct PingIssue {
  device @0 :Text;
  ipAddress @1 :Text;
  count @2 :UInt32;         # occurrences of the open ping-down event
}

interface EventService {
  sendEvent @0 (event :Event) -> ();
  sendEvents @1 (events :List(Event)) -> (count :UInt32);
  getDevicePingIssues @2 () -> (issues :List(PingIssue));
}

# ---- Modeling -------------------------------------------------------------------------------

struct ObjectMap {
  # Properties of one object: the device itself (compname "") or one of its components.
  compname @0 :Text;        # path below the device, e.g. "os/interfaces/eth0"; "" = the device
  modname @1 :Text;         # the object's class, e.g. "IpInterface"
  id @2 :Text;
  properties @3 :List(PropertyItem);
}

struct RelationshipMap {
  # The whole content of one relationship: objects not listed are removed.
  compname @0 :Text;        # where the relationship hangs, "" = the device
  relname @1 :Text;         # e.g. "interfaces"
  modname @2 :Text;
  objectMaps @3 :List(ObjectMap);
}

struct DataMap {
  union {
    object @0 :ObjectMap;
    relationship @1 :RelationshipMap;
  }
}

struct ClassPlugins {
  deviceClass @0 :Text;     # e.g. "/Server/Linux"
  plugins @1 :List(Text);
}

struct ModelerDeviceConfig {
  id @0 :Text;
  manageIp @1 :Text;
  deviceClass @2 :Text;
  plugins @3 :List(Text);   # modeler plugins whose conditions hold
  properties @4 :List(PropertyItem);  # the resolved zProperties
}

interface ModelerService {
  getDeviceListByMonitor @0 (monitor :Text) -> (devices :List(Text));
  getClassCollectorPlugins @1 () -> (classes :List(ClassPlugins));
  getDeviceConfig @2 (names :List(Text), checkStatus :Bool) -> (devices :List(ModelerDeviceConfig));
  # checkStatus: skip devices below their zProdStateThreshold.
  applyDataMaps @3 (device :Text, maps :List(DataMap)) -> (changed :Bool);
  # Writes the model (one transaction); the change feed then pushes the new configs.
  singleApplyDataMaps @4 (device :Text, maps :List(DataMap)) -> (changed :Bool);
  # The same, at a higher priority (one device modeled on demand).
}
