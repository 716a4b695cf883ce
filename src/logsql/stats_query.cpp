#include "vl/logsql/stats_query.h"

#include <algorithm>

#include "vl/common/time_util.h"
#include "pipes/pipe_util.h"
#include "pipes/pipes.h"
#include "stats/stats_func.h"

namespace vl::logsql {

namespace {

std::string PipeName(const Pipe& p) {
  const std::string text = p.String();
  return text.substr(0, text.find_first_of(" ("));
}

int LastStatsPipe(const Query& query) {
  int last = -1;
  for (size_t i = 0; i < query.pipes().size(); ++i) {
    if (PipeAs<StatsPipe>(*query.pipes()[i])) last = static_cast<int>(i);
  }
  return last;
}

// `5m` style text of a step, as the bucket parser reads it back.
std::string DurationText(int64_t ns) {
  if (ns % kNanosPerSecond == 0) return std::to_string(ns / kNanosPerSecond) + "s";
  if (ns % 1000000 == 0) return std::to_string(ns / 1000000) + "ms";
  return std::to_string(ns) + "ns";
}

}  // namespace

Result<std::vector<std::string>> StatsQueryLabels(const Query& query) {
  const int last = LastStatsPipe(query);
  if (last < 0) return Status::InvalidArgument("the query must contain a `stats` pipe: [" + query.ToString() + "]");
  static const char* kAllowed[] = {"filter", "first", "last", "sort", "math", "fields",
                                   "delete", "copy", "rename", "format"};
  for (size_t i = static_cast<size_t>(last) + 1; i < query.pipes().size(); ++i) {
    const std::string name = PipeName(*query.pipes()[i]);
    if (std::find(std::begin(kAllowed), std::end(kAllowed), name) == std::end(kAllowed)) {
      return Status::InvalidArgument("the `" + name + "` pipe cannot follow the last `stats` pipe of a stats query: [" +
                                     query.ToString() + "]");
    }
  }
  return PipeAs<StatsPipe>(*query.pipes()[static_cast<size_t>(last)])->by;
}

Status RewriteForStatsRange(Query* query, int64_t step_ns, int64_t offset_ns) {
  if (step_ns <= 0) return Status::InvalidArgument("`step` must be positive");
  std::string err;
  StatsBucket bucket;
  if (!StatsBucket::Parse("_time", DurationText(step_ns), offset_ns ? DurationText(offset_ns) : "", &bucket, &err)) {
    return Status::InvalidArgument(err);
  }
  bool after_stats = false;
  for (auto& p : query->mutable_pipes()) {
    if (StatsPipe* stats = PipeAs<StatsPipe>(*p)) {
      after_stats = true;
      stats->by_buckets.resize(stats->by.size());
      auto it = std::find(stats->by.begin(), stats->by.end(), "_time");
      if (it != stats->by.end()) {
        stats->by_buckets[static_cast<size_t>(it - stats->by.begin())] = bucket;
      } else {
        stats->by.insert(stats->by.begin(), "_time");
        stats->by_buckets.insert(stats->by_buckets.begin(), bucket);
      }
      for (auto& call : stats->calls) {
        if (!call.func->UsesStep()) continue;
        auto f = call.func->Clone();
        f->set_step_ns(step_ns);
        call.func = std::move(f);
      }
      continue;
    }
    if (!after_stats) continue;
    const std::string name = PipeName(*p);
    if (name != "sort" && name != "first" && name != "last") continue;
    // Sorting and top-N pick per bucket: the pipe again, from its text, partitioned by _time.
    std::string text = p->String();
    if (text.find(" partition by (") != std::string::npos) continue;
    const size_t rank = text.find(" rank");
    const size_t limit = text.find(" offset ") != std::string::npos ? text.find(" offset ") : text.find(" limit ");
    if (name == "sort" && limit == std::string::npos) {
      // A full sort: order by _time first, then as asked.
      SortPipe* sort = PipeAs<SortPipe>(*p);
      if (sort) sort->by.insert(sort->by.begin(), SortField{"_time", false});
      continue;
    }
    const size_t at = name == "sort" ? limit : (rank != std::string::npos ? rank : text.size());
    text.insert(at, " partition by (_time)");
    auto rewritten = pipes::ParsePipeText(text);
    if (!rewritten) return Status::Internal("cannot partition [" + p->String() + "] by _time");
    p = std::move(rewritten);
  }
  return Status::OK();
}

}  // namespace vl::logsql
