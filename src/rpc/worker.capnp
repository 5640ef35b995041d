# The hub <-> zenhubworker protocol, spoken over the worker's stdin/stdout (two-party RPC; the
# worker serves `Worker` as its bootstrap). Private to zenhub: both ends are built together.
@0xca38417da48b054b;

$import "/capnp/c++.capnp".namespace("zenhub::schema");

using Services = import "services.capnp";

struct ServiceCall {
  # A collector's call on a service capability, forwarded by the hub without decoding `params`.
  service @0 :Text;         # e.g. "PingConfig"
  monitor @1 :Text;         # the collector the service instance serves
  options @2 :List(Services.Option);
  interfaceId @3 :UInt64;   # the interface the method belongs to (e.g. ConfigService's)
  methodId @4 :UInt16;
  params @5 :AnyPointer;    # the call's params struct, as the collector sent it
  method @6 :Text;          # the method's name (from the hub's schemas), for the worker's stats
}

interface Worker {
  hello @0 () -> (pid :Int32, services :List(Text), configServices :List(Text));
  # Answered once the worker has opened the store and loaded its services (built-in and
  # plugins): the worker is ready. `services` names every service it can run; `configServices`
  # those of them whose interface is or extends ConfigService (the hub pushes configs to them).

  call @1 (call :ServiceCall) -> (results :AnyPointer);
  # Runs the call on the typed service implementation and returns its results struct. A service's
  # own error is passed through unchanged; anything else is zenhub.internal naming the cause.
  # The hub may send several calls before the first is answered (its pool's `worker_pipeline`):
  # the worker runs them one at a time, in the order they arrived, each after the previous one
  # has been answered.
}

interface TestService {
  # Test-only fault hooks: a worker serves it (as service "TestService") only when started with
  # --test-services, so integration tests can make a worker answer, hang or die mid-call.
  echo @0 (text :Text) -> (text :Text);
  sleep @1 (ms :UInt32) -> ();       # answers after `ms` ms (on a timer: signals still run)
  crash @2 () -> ();                 # the worker aborts (SIGABRT) without answering
  pid @3 () -> (pid :Int32);         # which worker process ran the call
}
