#include "vl/syslog/syslog_flags.h"

#include <gtest/gtest.h>

namespace vl::syslog {
namespace {

TEST(SyslogFlagsTest, SplitKeepsJsonTogether) {
  EXPECT_EQ(SplitArrayFlag(R"(["a","b"],["c"])"), (std::vector<std::string>{R"(["a","b"])", R"(["c"])"}));
  EXPECT_EQ(SplitArrayFlag(R"({"k":"v,w"},)"), (std::vector<std::string>{R"({"k":"v,w"})", ""}));
  EXPECT_EQ(SplitArrayFlag(":514,:515"), (std::vector<std::string>{":514", ":515"}));
  EXPECT_TRUE(SplitArrayFlag("").empty());
}

TEST(SyslogFlagsTest, ValuesPairWithAddressesAndSingleValuesApplyToAll) {
  TransportFlags f;
  f.listen_addr = "127.0.0.1:5514,127.0.0.1:5515";
  f.tenant_id = "7:8,9";
  f.compress_method = "gzip";
  f.stream_fields = R"(["app_name"],["hostname","proc_id"])";
  f.extra_fields = R"({"env":"prod","dc":"x"})";
  f.use_local_timestamp = "true,false";
  f.tls = "false";
  auto l = ListenersFromFlags(ListenerOptions::Transport::kTcp, f, StreamOptions{});
  ASSERT_TRUE(l.ok()) << l.status().message();
  ASSERT_EQ(l->size(), 2u);
  EXPECT_EQ((*l)[0].stream.tenant, (TenantID{7, 8}));
  EXPECT_EQ((*l)[1].stream.tenant, (TenantID{9, 0}));
  EXPECT_EQ((*l)[0].compress_method, "gzip");
  EXPECT_EQ((*l)[1].compress_method, "gzip");
  EXPECT_EQ((*l)[0].stream.stream_fields, (std::vector<std::string>{"app_name"}));
  EXPECT_EQ((*l)[1].stream.stream_fields, (std::vector<std::string>{"hostname", "proc_id"}));
  ASSERT_EQ((*l)[1].stream.extra_fields.size(), 2u);
  EXPECT_EQ((*l)[1].stream.extra_fields[0].name, "dc");
  EXPECT_TRUE((*l)[0].stream.use_local_timestamp);
  EXPECT_FALSE((*l)[1].stream.use_local_timestamp);
}

TEST(SyslogFlagsTest, DefaultsWhenUnset) {
  TransportFlags f;
  f.listen_addr = ":514";
  auto l = ListenersFromFlags(ListenerOptions::Transport::kUdp, f, StreamOptions{});
  ASSERT_TRUE(l.ok());
  EXPECT_EQ((*l)[0].stream.stream_fields, (std::vector<std::string>{"hostname", "app_name", "proc_id"}));
  EXPECT_EQ((*l)[0].stream.tenant, (TenantID{0, 0}));
}

TEST(SyslogFlagsTest, BadValuesNameTheFlag) {
  TransportFlags f;
  f.listen_addr = ":514";
  f.stream_fields = "hostname";
  auto l = ListenersFromFlags(ListenerOptions::Transport::kTcp, f, StreamOptions{});
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("-syslog.streamFields.tcp"), std::string::npos) << l.status().message();
  f.stream_fields.clear();
  f.tenant_id = "x";
  l = ListenersFromFlags(ListenerOptions::Transport::kTcp, f, StreamOptions{});
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("-syslog.tenantID.tcp"), std::string::npos);
}

}  // namespace
}  // namespace vl::syslog
