// LogsQL golden tests. Usage: golden_runner <file.test>... [--record]
//
// File format (lines; `#` at line start = comment):
//   now <RFC3339>            query time for relative filters (default 2025-01-01T01:00:00Z)
//   data                     followed by JSON lines, one row each, until a blank line:
//                            {"_time":"...","_stream":"{app=\"api\"}","_msg":"...","field":"value"}
//                            stream labels are also stored as fields (like _stream_fields ingestion)
//   query <logsql>           rows must match in order (use with sort)
//   query-unordered <logsql> rows compared as sorted sets
//   error <logsql>           the query must fail to parse; the expected line is a substring of the error
//   ----                     then expected JSON lines (as /select/logsql/query prints them) until a blank line
// Every successfully parsed query is also checked to round-trip through Query::ToString(), and is
// answered three ways (golden_backends.h): in memory, on real storage, split over two nodes.
// --record prints the actual results in this format instead of comparing.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "collect_sink.h"
#include "golden_backends.h"
#include "vl/common/time_util.h"
#include "vl/logsql/logsql.h"

namespace {

using vl::logsql::ResultBlock;

// Minimal flat JSON object parser: string values (numbers/bools kept as raw text).
bool ParseFlatJson(const std::string& s, std::vector<std::pair<std::string, std::string>>* out) {
  size_t i = 0;
  auto ws = [&] {
    while (i < s.size() && isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  auto str = [&](std::string* v) -> bool {
    if (s[i] != '"') return false;
    ++i;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) {
        char e = s[i + 1];
        i += 2;
        switch (e) {
          case 'n': v->push_back('\n'); break;
          case 't': v->push_back('\t'); break;
          case 'r': v->push_back('\r'); break;
          case 'u': {
            unsigned cp = std::stoul(s.substr(i, 4), nullptr, 16);
            i += 4;
            if (cp < 0x80) {
              v->push_back(static_cast<char>(cp));
            } else if (cp < 0x800) {
              v->push_back(static_cast<char>(0xC0 | (cp >> 6)));
              v->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            } else {
              v->push_back(static_cast<char>(0xE0 | (cp >> 12)));
              v->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
              v->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            }
            break;
          }
          default: v->push_back(e);
        }
        continue;
      }
      v->push_back(s[i++]);
    }
    if (i >= s.size()) return false;
    ++i;
    return true;
  };
  ws();
  if (i >= s.size() || s[i] != '{') return false;
  ++i;
  while (true) {
    ws();
    if (i < s.size() && s[i] == '}') return true;
    std::string k, v;
    if (!str(&k)) return false;
    ws();
    if (s[i] != ':') return false;
    ++i;
    ws();
    if (s[i] == '"') {
      if (!str(&v)) return false;
    } else {
      while (i < s.size() && s[i] != ',' && s[i] != '}') v.push_back(s[i++]);
    }
    out->emplace_back(k, v);
    ws();
    if (s[i] == ',') ++i;
  }
}

// `{a="b",c="d"}` (values without escapes).
vl::StreamTags ParseStreamSpec(const std::string& s) {
  vl::StreamTags tags;
  size_t i = 1;
  while (i < s.size() && s[i] != '}') {
    size_t eq = s.find('=', i);
    std::string name = s.substr(i, eq - i);
    size_t q1 = s.find('"', eq);
    size_t q2 = s.find('"', q1 + 1);
    tags.Add(name, s.substr(q1 + 1, q2 - q1 - 1));
    i = q2 + 1;
    if (i < s.size() && s[i] == ',') ++i;
  }
  tags.Canonicalize();
  return tags;
}


std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

struct Counters {
  int passed = 0;
  int failed = 0;
};

void RunFile(const std::filesystem::path& path, bool record, Counters* c) {
  std::ifstream in(path);
  if (!in) {
    std::printf("FAIL %s: cannot read the file\n", path.c_str());
    c->failed++;
    return;
  }
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  int64_t now = 0;
  vl::ParseRFC3339("2025-01-01T01:00:00Z", &now);
  std::vector<vl::LogRow> rows;
  // Loaded with the rows on the first query; record mode asks the in-memory one only.
  std::vector<std::unique_ptr<vl::golden::Backend>> backends;
  auto load_backends = [&]() -> bool {
    backends.push_back(std::make_unique<vl::golden::MemoryBackend>());
    if (!record) {
      backends.push_back(std::make_unique<vl::golden::StorageBackend>());
      backends.push_back(std::make_unique<vl::golden::ClusterBackend>());
    }
    for (auto& b : backends) {
      vl::Status s = b->Load(rows);
      if (!s.ok()) {
        std::cerr << path << ": cannot load the rows into " << b->name() << ": " << s.ToString() << "\n";
        ++c->failed;
        return false;
      }
    }
    return true;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty() || line[0] == '#') {
      if (record) std::cout << line << "\n";
      continue;
    }
    if (line.rfind("now ", 0) == 0) {
      vl::ParseRFC3339(line.substr(4), &now);
      if (record) std::cout << line << "\n";
      continue;
    }
    if (line == "data") {
      if (!backends.empty()) {
        std::cerr << path << ":" << i + 1 << ": data after the first query\n";
        ++c->failed;
        return;
      }
      if (record) std::cout << line << "\n";
      for (++i; i < lines.size() && !lines[i].empty(); ++i) {
        if (record) std::cout << lines[i] << "\n";
        if (lines[i][0] == '#') continue;
        std::vector<std::pair<std::string, std::string>> kv;
        if (!ParseFlatJson(lines[i], &kv)) {
          std::cerr << path << ":" << i + 1 << ": bad data line\n";
          ++c->failed;
          continue;
        }
        vl::LogRow row;
        for (auto& [k, v] : kv) {
          if (k == "_time") vl::ParseRFC3339(v, &row.timestamp);
          else if (k == "_stream") row.stream_tags = ParseStreamSpec(v);
          else if (!v.empty()) row.fields.push_back({k, v});
        }
        for (const auto& [k, v] : row.stream_tags.labels()) {
          bool have = false;
          for (const auto& f : row.fields) have |= f.name == k;
          if (!have) row.fields.push_back({k, v});
        }
        row.stream_id = vl::StreamID::Compute(row.tenant, row.stream_tags);
        rows.push_back(std::move(row));
      }
      if (record) std::cout << "\n";
      continue;
    }
    if (backends.empty() && !load_backends()) return;
    std::string kind, q;
    size_t sp = line.find(' ');
    kind = line.substr(0, sp);
    q = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (kind != "query" && kind != "query-unordered" && kind != "error") {
      std::cerr << path << ":" << i + 1 << ": unknown directive: " << line << "\n";
      ++c->failed;
      continue;
    }
    const size_t qline = i + 1;
    std::vector<std::string> expected;
    if (i + 1 < lines.size() && lines[i + 1] == "----") {
      for (i += 2; i < lines.size() && !lines[i].empty(); ++i) expected.push_back(lines[i]);
    }
    std::string where = path.filename().string() + ":" + std::to_string(qline) + " [" + q + "]";
    auto parsed = vl::logsql::ParseQuery(q, now);
    std::vector<std::string> actual;  // of the first backend whose answer differs (or the last)
    std::string problem;
    if (kind == "error") {
      if (parsed.ok()) {
        problem = "expected a parse error, got " + parsed.value()->ToString();
      } else {
        actual.push_back(parsed.status().message());
        if (!expected.empty() && parsed.status().message().find(expected[0]) == std::string::npos) {
          problem = "error message mismatch: " + parsed.status().message();
        }
      }
    } else if (!parsed.ok()) {
      problem = "parse error: " + parsed.status().message();
    } else {
      const auto& query = *parsed.value();
      std::string canon = query.ToString();
      auto again = vl::logsql::ParseQuery(canon, now);
      if (!again.ok()) {
        problem = "canonical form does not parse: " + canon + " : " + again.status().message();
      } else if (again.value()->ToString() != canon) {
        problem = "canonical form does not round-trip: " + canon + " -> " + again.value()->ToString();
      }
      if (kind == "query-unordered") std::sort(expected.begin(), expected.end());
      for (auto& backend : backends) {
        std::string text;
        vl::Status st = backend->Run(query, now, &text);
        actual = SplitLines(text);
        if (kind == "query-unordered") std::sort(actual.begin(), actual.end());
        if (!st.ok()) {
          problem = std::string(backend->name()) + ": execution error: " + st.ToString();
        } else if (problem.empty() && !record && actual != expected) {
          problem = std::string("result mismatch (") + backend->name() + ")";
        }
        if (!problem.empty()) break;
      }
    }
    if (record) {
      std::cout << line << "\n----\n";
      if (kind == "error") std::cout << (expected.empty() ? "" : expected[0]) << "\n";
      else for (const auto& l : actual) std::cout << l << "\n";
      if (!problem.empty()) std::cout << "# PROBLEM: " << problem << "\n";
      std::cout << "\n";
      continue;
    }
    if (problem.empty()) {
      ++c->passed;
      continue;
    }
    ++c->failed;
    std::cerr << "FAIL " << where << ": " << problem << "\n";
    if (problem.rfind("result mismatch", 0) == 0) {
      std::cerr << "  expected:\n";
      for (const auto& l : expected) std::cerr << "    " << l << "\n";
      std::cerr << "  actual:\n";
      for (const auto& l : actual) std::cerr << "    " << l << "\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool record = false;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--record") {
      record = true;
    } else {
      files.emplace_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: golden_runner <file.test>... [--record]\n");
    return 2;
  }
  Counters c;
  for (const auto& f : files) {
    const int before = c.passed + c.failed;
    RunFile(f, record, &c);
    if (!record && c.passed + c.failed == before) {  // an empty or unparsable file checks nothing
      std::printf("FAIL %s: no case in the file\n", f.c_str());
      c.failed++;
    }
  }
  if (!record) std::printf("%d passed, %d failed\n", c.passed, c.failed);
  return c.failed == 0 ? 0 : 1;
}
