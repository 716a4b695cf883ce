#include "vl/common/time_zone.h"

#include <gtest/gtest.h>

namespace vl {
namespace {

TEST(TimeZoneTest, UtcAndFixedZones) {
  auto utc = TimeZone::Load("UTC");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(utc->OffsetAt(1'700'000'000), 0);
  auto east = TimeZone::Load("Etc/GMT-3");  // POSIX sign convention: UTC+3
  ASSERT_TRUE(east.ok()) << east.status().message();
  EXPECT_EQ(east->OffsetAt(1'700'000'000), 3 * 3600);
}

TEST(TimeZoneTest, DaylightSavingTransitions) {
  auto berlin = TimeZone::Load("Europe/Berlin");
  ASSERT_TRUE(berlin.ok()) << berlin.status().message();
  EXPECT_EQ(berlin->OffsetAt(1'704'067'200), 3600);      // 2024-01-01: CET
  EXPECT_EQ(berlin->OffsetAt(1'719'792'000), 7200);      // 2024-07-01: CEST
  EXPECT_EQ(berlin->OffsetAt(1'711'846'799), 3600);      // 2024-03-31 00:59:59 UTC, just before
  EXPECT_EQ(berlin->OffsetAt(1'711'846'800), 7200);      // 01:00 UTC: clocks go forward
  auto ny = TimeZone::Load("America/New_York");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(ny->OffsetAt(1'704'067'200), -5 * 3600);
  EXPECT_EQ(ny->OffsetAt(1'719'792'000), -4 * 3600);
}

TEST(TimeZoneTest, BadNamesAndBytes) {
  EXPECT_FALSE(TimeZone::Load("Mars/Olympus").ok());
  EXPECT_FALSE(TimeZone::Load("../../etc/passwd").ok());
  EXPECT_FALSE(TimeZone::Load("").ok());
  EXPECT_FALSE(TimeZone::FromTzif("x", "TZif2").ok());
  EXPECT_FALSE(TimeZone::FromTzif("x", std::string(100, 'z')).ok());
  EXPECT_TRUE(TimeZone::Load("Local").ok());
}

}  // namespace
}  // namespace vl
