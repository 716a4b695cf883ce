#include "pipe_util.h"

#include <cmath>
#include <limits>

#include "vl/logsql/filter_range.h"

namespace vl::logsql::pipes {

std::unique_ptr<Pipe> ParsePipeText(const std::string& text) {
  auto q = ParseQuery("* | " + text, 0);
  if (!q.ok() || q.value()->pipes().size() != 1) return nullptr;
  return std::move(q.value()->mutable_pipes()[0]);
}

std::string UniqueName(std::string name, const std::vector<std::string>& taken) {
  while (std::find(taken.begin(), taken.end(), name) != taken.end()) name += "s";
  return name;
}

bool ReadRowCount(parser_internal::Parser& p, uint64_t* n) {
  if (p.ReadUint(n)) return true;
  if (p.Cur().kind != Token::Kind::kBare) return false;
  const std::string& text = p.Cur().text;
  if (text == "inf" || text == "+inf") {
    *n = std::numeric_limits<uint64_t>::max();
    p.Next();
    return true;
  }
  double v = 0;
  if (!ParseRangeNumber(text, &v) || !(v >= 0) || v >= 1.8e19) return false;
  *n = static_cast<uint64_t>(std::trunc(v));
  p.Next();
  return true;
}

}  // namespace vl::logsql::pipes
