// StreamIndex: the streams of one partition, so that a query learns which streams can match
// without walking the blocks of every part.
//
// Per tenant the index maps
//   stream id    -> canonical labels (StreamTags)
//   label=value  -> ids of the streams carrying that label with that value ("postings"), sorted
// A lookup intersects the postings of the required label=value pairs (and an optional list of
// stream ids) and returns the candidates with their labels. The pairs are a pre-filter only:
// the caller still runs its exact stream filter on every candidate's labels, so a filter with
// regexps, negations or ORs stays correct as long as the pairs it passes are necessary
// conditions of it.
//
// Entries are only ever added. A partition never loses a stream while it lives (merges keep
// every row, retention drops whole partitions), and a stale entry would cost a lookup nothing
// but a candidate without blocks.
//
// Thread safety: Add() and Lookup() may run concurrently from any threads. Lookups share a
// lock; Add() holds it exclusively while it merges new ids into the postings. An Add() that
// returned is seen by every later Lookup(), so adding a part's streams before publishing the
// part guarantees that a search never meets a part stream the index does not know.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vl/common/stream.h"

namespace vl::storage {

// A stream as a part's stream table lists it.
struct StreamEntry {
  StreamID id;
  StreamTags tags;
};

// What a lookup asks for.
struct StreamLookup {
  TenantID tenant;
  // Every candidate carries all of these labels with exactly these values (AND). A pair with an
  // empty value matches nothing: stored labels are never empty. Empty list = no constraint.
  std::span<const std::pair<std::string, std::string>> label_equals;
  // When set, candidates are limited to these ids (any order; duplicates and ids of other
  // tenants are allowed and ignored).
  std::optional<std::span<const StreamID>> ids;
};

class StreamIndex {
 public:
  struct Candidate {
    StreamID id;
    std::shared_ptr<const StreamTags> tags;  // shared with the index: no copy per lookup
  };

  StreamIndex() = default;
  StreamIndex(const StreamIndex&) = delete;
  StreamIndex& operator=(const StreamIndex&) = delete;

  // Adds the stream unless the index already has it (the tags of a stream id never change).
  void Add(const StreamID& id, const StreamTags& tags);
  // The same for many streams at once; each posting list is re-sorted once per call, not once
  // per new stream, which matters when a flush brings many new streams into a big partition.
  void Add(std::span<const StreamEntry> streams);

  // The tenant's streams satisfying `q`, ascending by id. All streams of the tenant when `q`
  // has neither pairs nor ids.
  std::vector<Candidate> Lookup(const StreamLookup& q) const;

  // Number of distinct streams over all tenants.
  size_t size() const;

 private:
  struct TenantStreams {
    std::unordered_map<StreamID, std::shared_ptr<const StreamTags>, StreamIDHash> tags;
    std::vector<StreamID> all;  // sorted
    // PostingKey(name, value) -> sorted ids.
    std::unordered_map<std::string, std::vector<StreamID>> postings;
  };
  // Posting lists that received unsorted ids at their end during one Add() call.
  using Touched = std::unordered_map<std::vector<StreamID>*, size_t /*sorted prefix*/>;

  static std::string PostingKey(std::string_view name, std::string_view value);
  void AddLocked(const StreamID& id, const StreamTags& tags, Touched* touched);
  static void SortTouched(Touched* touched);

  mutable std::shared_mutex mu_;
  std::map<TenantID, TenantStreams> tenants_;
  size_t size_ = 0;
};

}  // namespace vl::storage
