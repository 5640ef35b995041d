// Per "Service.method" call statistics of the calls the hub sees (count, total, average, max,
// last call time), as in ZenHub's "Service Call Statistics": the same table the worker pool keeps
// for the calls its workers run.
#pragma once

#include "hub/pool/pool_stats.h"

namespace zenhub::hub {

using CallStats = pool::MethodStatsTable;
using MethodStats = pool::MethodStat;

}  // namespace zenhub::hub
