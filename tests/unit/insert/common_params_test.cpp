#include "vl/insert/common_params.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace vl::insert {
namespace {

using testing::MapGetter;

TEST(CommonParams, Defaults) {
  auto r = CommonParams::Parse(MapGetter({}), MapGetter({}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->msg_fields.empty());
  EXPECT_EQ(r->time_fields, std::vector<std::string>{"_time"});
  EXPECT_TRUE(r->stream_fields.empty());
  EXPECT_FALSE(r->debug);
  EXPECT_EQ(r->tenant, TenantID{});
}

TEST(CommonParams, ArgsAndHeaders) {
  auto r = CommonParams::Parse(
      MapGetter({{"_msg_field", "message, msg,,log"}, {"_time_field", "ts"}, {"extra_fields", "env=prod, dc = eu"},
                 {"debug", "1"}}),
      MapGetter({{"VL-Msg-Field", "ignored"}, {"VL-Stream-Fields", "app,host"}, {"VL-Ignore-Fields", "secret*,x"},
                 {"AccountID", "12"}, {"ProjectID", "34"}, {"VL-Decolorize-Fields", "_msg"}}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->msg_fields, (std::vector<std::string>{"message", "msg", "log"}));
  EXPECT_EQ(r->time_fields, std::vector<std::string>{"ts"});
  EXPECT_EQ(r->stream_fields, (std::vector<std::string>{"app", "host"}));
  EXPECT_EQ(r->ignore_fields, (std::vector<std::string>{"secret*", "x"}));
  ASSERT_EQ(r->extra_fields.size(), 2u);
  EXPECT_EQ(r->extra_fields[0].name, "env");
  EXPECT_EQ(r->extra_fields[0].value, "prod");
  EXPECT_EQ(r->extra_fields[1].name, "dc");
  EXPECT_EQ(r->extra_fields[1].value, "eu");
  EXPECT_TRUE(r->debug);
  EXPECT_EQ(r->tenant.account_id, 12u);
  EXPECT_EQ(r->tenant.project_id, 34u);
  EXPECT_TRUE(r->IsIgnored("secret_token"));
  EXPECT_TRUE(r->IsIgnored("x"));
  EXPECT_FALSE(r->IsIgnored("xy"));
  EXPECT_TRUE(r->IsDecolorized("_msg"));
  EXPECT_TRUE(r->IsExtraField("dc"));
}

TEST(CommonParams, Errors) {
  auto r = CommonParams::Parse(MapGetter({{"extra_fields", "a=b,broken"}}), MapGetter({}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("extra_fields"), std::string::npos);
  r = CommonParams::Parse(MapGetter({{"extra_fields", "=b"}}), MapGetter({}));
  ASSERT_FALSE(r.ok());
  r = CommonParams::Parse(MapGetter({}), MapGetter({{"AccountID", "abc"}}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("AccountID"), std::string::npos);
  r = CommonParams::Parse(MapGetter({}), MapGetter({{"ProjectID", "4294967296"}}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("ProjectID"), std::string::npos);
  r = CommonParams::Parse(MapGetter({{"debug", "maybe"}}), MapGetter({}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("debug"), std::string::npos);
}

TEST(CommonParams, SplitList) {
  EXPECT_EQ(SplitList(""), std::vector<std::string>{});
  EXPECT_EQ(SplitList(" a , b,,c "), (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace vl::insert
