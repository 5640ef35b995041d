# The collector-facing protocol of zenhub: the public API that collectors (in any language with
# Cap'n Proto bindings) use. Evolve it only compatibly: add fields and methods at the end with new
# ordinals, never renumber or change a type.
#
# A connection starts with the bootstrap capability, `Login`; nothing else is reachable until a
# login succeeds. Errors are Cap'n Proto exceptions whose description starts with a stable code,
# "zenhub.<code>: <message>" (see docs/collector-protocol.md for the list).
@0xc4edfea0dc8eec8e;

$import "/capnp/c++.capnp".namespace("zenhub::schema");

using Services = import "services.capnp";

struct ClientInfo {
  # Who is connecting: logged by the hub and shown in its connection stats.
  name @0 :Text;        # the collector daemon, e.g. "zenperfsnmp"
  version @1 :Text;     # its version string
  monitor @2 :Text;     # the collector (monitor) it serves, e.g. "localhost"; may be empty
}

interface Login {
  # The bootstrap capability.
  login @0 (user :Text, password :Text, clientInfo :ClientInfo) -> (hub :Hub);
  # Checks the credentials against the hub's password file. On success returns the `Hub`
  # capability for this connection. A failure is answered after a delay with
  # "zenhub.authFailed"; the connection stays usable for another attempt, and is closed after
  # the configured number of failures.
}

interface Hub {
  # What a logged-in collector may do.
  ping @0 () -> (reply :Text);
  # Liveness check: replies "pong".

  getHubInstanceId @1 () -> (id :Text);
  # A stable name of this hub (its configured monitor / instance id), for collectors that talk
  # to several hubs.

  getService @2 (name :Text, monitor :Text, listener :Services.ServiceListener,
                 options :List(Services.Option)) -> (service :Capability);
  # The service `name` (e.g. "PingConfig", "EventService") for the collector `monitor`, cast by
  # the caller to its interface (services.capnp). One instance serves every collector of that
  # (name, monitor). `listener` (may be null) receives the pushes for that service until the
  # connection goes; `options` tune what this listener receives. Errors: zenhub.unknownService,
  # zenhub.unknownMonitor.

  setInvalidationsPaused @3 (paused :Bool) -> (changed :Bool, status :InvalidationStatus);
  # For operators (`zenhubctl invalidations pause|resume`): pause (true) or resume (false) the
  # pushing of model changes to collectors. While paused, changes stay in the model's change
  # feed; resuming pushes them. Each change raises an event. `changed` is false when it already
  # was so.

  getInvalidationStatus @4 () -> (status :InvalidationStatus);
  # Whether invalidations run, and their counters.
}

struct InvalidationStatus {
  paused @0 :Bool;
  storeReachable @1 :Bool;
  cursor @2 :Int64;             # the change feed position the hub has read up to
  cycles @3 :UInt64;
  configsPushed @4 :UInt64;
  deletesPushed @5 :UInt64;
  pushesFailed @6 :UInt64;
  pendingDevices @7 :UInt64;    # (collector, device) pairs waiting for the next cycle
  lastCycleSeconds @8 :Float64;
  oidsSeen @9 :UInt64;
  latencyMaxSeconds @10 :Float64;
}
