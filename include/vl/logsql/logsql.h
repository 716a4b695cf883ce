// Umbrella header of the LogsQL query engine.
#pragma once

#include "vl/logsql/executor.h"
#include "vl/logsql/query.h"
#include "vl/logsql/result.h"
