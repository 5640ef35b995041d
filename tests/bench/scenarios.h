// The scenarios of zenhub-bench. Each prints one JSON object per measurement (medians, the
// baseline measured in the same run, the ratio, the target and pass/fail) and returns 0 when it
// ran (a missed target is reported in the JSON, not by the exit code).
#pragma once

#include "bench.h"

namespace zenhub::bench {

// The scenarios, by name (`zenhub-bench NAME`; `all` runs every one):
//   throughput    calls/s: hub ping and service calls through hub and 2 workers vs an echo server
//   latency       sequential round trips (p50, p99): service call and hub ping vs the echo
//   connections   logins/s; 1,000 held collector connections and the hub's RSS
//   services      a full SnmpConfig of 10,000 SNMP devices vs a raw read; EventService, in-process
//   events        events/s through hub and events worker into the event store vs in-process
//   respawn       kill -9 of a worker to its replacement answering vs a bare worker start
//   push-latency  change-to-push with 1,000 collectors listening vs one collector
//   storm         10,000 devices changed in one transaction, until every config is pushed
//   scale         100,000 devices and 1,000 collectors: hub RSS, a full SnmpConfig, pushes
//   store         model load and changesSince per backend vs raw SQL

// Ping calls/s through the hub's RPC front end, and service calls through hub and workers,
// versus a plain capnp::EzRpcServer (rpc_bench.cpp).
int runThroughput(const Options& options);
// Sequential round trips of one collector, service call through hub and worker and hub ping,
// median and p99, versus the same client's round trip to a plain capnp::EzRpcServer
// (latency_bench.cpp).
int runLatency(const Options& options);
// Logins/s and 1,000 held collector connections with the hub's RSS (connections_bench.cpp).
int runConnections(const Options& options);
// Store: load of a generated model and changesSince over 10,000 changed oids, per backend
// (store_bench.cpp).
int runStore(const Options& options);
// Services: a full SnmpConfig.getDeviceConfigs of 10,000 SNMP devices versus a raw read of the
// same snapshot, with RSS; EventService throughput (services_bench.cpp).
int runServices(const Options& options);
// Events: EventService.sendEvents batches from 8 collectors through hub and events worker into
// the de-duplicating event store, versus the same batches to an in-process EventService
// (events_bench.cpp).
int runEvents(const Options& options);
// Respawn: time from kill -9 of a worker to its replacement answering a call, through the
// worker pool on its own loop, versus a bare start of a worker to its hello (pool_bench.cpp).
int runRespawn(const Options& options);
// Part of `throughput`: calls/s through a one-worker pool on the bench's own loop at
// worker_pipeline 1, 2, 4 and 8 (pool_bench.cpp), what the default depth was chosen by.
void reportPoolPipeline(const Options& options);

// Invalidations: change-to-push latency with 1,000 collectors listening, and a storm of 10,000
// device changes in one transaction (push_bench.cpp).
int runPushLatency(const Options& options);
int runStorm(const Options& options);
// Scale: 100,000 devices and 1,000 listening collectors: the hub's RSS, a full SnmpConfig of
// 10,000 SNMP devices and change-to-push latency, versus the same hub on the 12,500 devices of
// one collector (scale_bench.cpp).
int runScale(const Options& options);

}  // namespace zenhub::bench
