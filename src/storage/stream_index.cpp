#include "vl/storage/stream_index.h"

#include <algorithm>
#include <mutex>

namespace vl::storage {

std::string StreamIndex::PostingKey(std::string_view name, std::string_view value) {
  // Length-prefixed so that no (name, value) split of the same bytes collides.
  std::string key = std::to_string(name.size());
  key += ':';
  key += name;
  key += value;
  return key;
}

void StreamIndex::AddLocked(const StreamID& id, const StreamTags& tags, Touched* touched) {
  TenantStreams& t = tenants_[id.tenant];
  auto [it, added] = t.tags.emplace(id, nullptr);
  if (!added) return;
  it->second = std::make_shared<const StreamTags>(tags);
  size_++;
  // Appending keeps each list sorted up to its size before this call; SortTouched merges the
  // tails in once.
  auto append = [&](std::vector<StreamID>* list) {
    touched->emplace(list, list->size());
    list->push_back(id);
  };
  append(&t.all);
  for (const auto& [name, value] : tags.labels()) append(&t.postings[PostingKey(name, value)]);
}

void StreamIndex::SortTouched(Touched* touched) {
  for (auto& [list, sorted] : *touched) {
    auto mid = list->begin() + static_cast<std::ptrdiff_t>(sorted);
    std::sort(mid, list->end());
    std::inplace_merge(list->begin(), mid, list->end());
  }
}

void StreamIndex::Add(const StreamID& id, const StreamTags& tags) {
  std::unique_lock lock(mu_);
  Touched touched;
  AddLocked(id, tags, &touched);
  SortTouched(&touched);
}

void StreamIndex::Add(std::span<const StreamEntry> streams) {
  std::unique_lock lock(mu_);
  Touched touched;
  for (const auto& s : streams) AddLocked(s.id, s.tags, &touched);
  SortTouched(&touched);
}

size_t StreamIndex::size() const {
  std::shared_lock lock(mu_);
  return size_;
}

std::vector<StreamIndex::Candidate> StreamIndex::Lookup(const StreamLookup& q) const {
  std::vector<Candidate> out;
  std::shared_lock lock(mu_);
  auto tit = tenants_.find(q.tenant);
  if (tit == tenants_.end()) return out;
  const TenantStreams& t = tit->second;

  std::vector<const std::vector<StreamID>*> lists;
  for (const auto& [name, value] : q.label_equals) {
    auto pit = t.postings.find(PostingKey(name, value));
    if (pit == t.postings.end()) return out;  // no stream has this label=value
    lists.push_back(&pit->second);
  }
  // Walk the shortest list and probe the others: the cost follows the most selective pair.
  std::sort(lists.begin(), lists.end(), [](auto* a, auto* b) { return a->size() < b->size(); });
  auto in_all_lists = [&](const StreamID& id, size_t from) {
    for (size_t i = from; i < lists.size(); i++)
      if (!std::binary_search(lists[i]->begin(), lists[i]->end(), id)) return false;
    return true;
  };
  auto emit = [&](const StreamID& id) {
    auto it = t.tags.find(id);
    if (it != t.tags.end()) out.push_back(Candidate{id, it->second});
  };

  if (q.ids) {
    std::vector<StreamID> ids(q.ids->begin(), q.ids->end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (const auto& id : ids)
      if (id.tenant == q.tenant && in_all_lists(id, 0)) emit(id);
    return out;
  }
  const std::vector<StreamID>& base = lists.empty() ? t.all : *lists[0];
  out.reserve(lists.size() <= 1 ? base.size() : 0);
  for (const auto& id : base)
    if (in_all_lists(id, 1)) emit(id);
  return out;
}

}  // namespace vl::storage
