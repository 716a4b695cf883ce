// Torn WAL tails and half-written parts are cleaned up on open; acknowledged rows are kept.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "test_util.h"
#include "vl/storage/format.h"

using namespace vl;
using namespace vl::storage_test;

namespace {

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST(Corruption, TornWalTailAndTmpPartDir) {
  TempDir dir;
  int64_t now = NowNs();
  std::string partition = dir.path + "/partitions/" + storage::DayName(storage::DayOf(now));
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto r = Storage::Open(TestOptions(dir.path));
    if (!r.ok()) _exit(1);
    std::vector<LogRow> rows;
    for (uint64_t i = 0; i < 100; i++) rows.push_back(MakeRow({}, now, "a", i));
    if (!r.value()->Add(rows, nullptr).ok()) _exit(2);
    if (!r.value()->ForceFlush().ok()) _exit(3);
    rows.clear();
    for (uint64_t i = 100; i < 200; i++) rows.push_back(MakeRow({}, now, "b", i));
    if (!r.value()->Add(rows, nullptr).ok()) _exit(4);
    _exit(0);  // crash: rows 100..199 only in the WAL
  }
  int status;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  // A torn record: header promising 1000 bytes followed by a few bytes of garbage.
  auto segs = Files(dir.path + "/wal");
  ASSERT_FALSE(segs.empty());
  auto last = segs.back();
  auto good_size = std::filesystem::file_size(last);
  {
    std::ofstream f(last, std::ios::app | std::ios::binary);
    uint32_t len = 1000, sum = 12345;
    f.write(reinterpret_cast<char*>(&len), 4);
    f.write(reinterpret_cast<char*>(&sum), 4);
    f.write("garbage", 7);
  }
  // A half-written part directory and an unlisted one; a stale list temp file.
  std::filesystem::create_directories(partition + "/parts/00000000000000ff.tmp");
  std::ofstream(partition + "/parts/00000000000000ff.tmp/data.bin") << "half written";
  std::filesystem::create_directories(partition + "/parts/00000000000000fe");
  std::ofstream(partition + "/parts/00000000000000fe/meta.json") << "{";
  std::ofstream(partition + "/parts.json.tmp") << "{\"parts\":[";

  auto r = Storage::Open(TestOptions(dir.path));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto seen = CollectSeqs(*r.value(), SearchSpec());
  ASSERT_EQ(seen.size(), 200u);
  for (auto& [seq, n] : seen) ASSERT_EQ(n, 1) << seq;
  EXPECT_FALSE(std::filesystem::exists(partition + "/parts/00000000000000ff.tmp"));
  EXPECT_FALSE(std::filesystem::exists(partition + "/parts/00000000000000fe"));
  EXPECT_FALSE(std::filesystem::exists(partition + "/parts.json.tmp"));
  // The replayed segment was truncated, flushed and removed.
  EXPECT_FALSE(std::filesystem::exists(last) && std::filesystem::file_size(last) > good_size);
  ASSERT_TRUE(r.value()->Close().ok());
  EXPECT_TRUE(Files(dir.path + "/wal").empty());
}

TEST(Corruption, GarbageOnlyWalSegment) {
  TempDir dir;
  std::filesystem::create_directories(dir.path + "/wal");
  std::ofstream(dir.path + "/wal/0000000000000007.log") << "xx";
  auto r = Storage::Open(TestOptions(dir.path));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(CollectSeqs(*r.value(), SearchSpec()).empty());
  // New rows still go through and survive a reopen.
  ASSERT_TRUE(r.value()->Add({MakeRow({}, NowNs(), "a", 1)}, nullptr).ok());
  ASSERT_TRUE(r.value()->Close().ok());
  auto r2 = Storage::Open(TestOptions(dir.path));
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(CollectSeqs(*r2.value(), SearchSpec()).size(), 1u);
}

TEST(Corruption, SecondOpenFailsClearly) {
  TempDir dir;
  auto r = Storage::Open(TestOptions(dir.path));
  ASSERT_TRUE(r.ok());
  auto r2 = Storage::Open(TestOptions(dir.path));
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("locked"), std::string::npos);
}
