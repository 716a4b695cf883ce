#include "pipe_util.h"

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

}  // namespace vl::logsql::pipes
