#include <gtest/gtest.h>

#include "vl/http/request.h"
#include "vl/http/router.h"

namespace vl::http {
namespace {

TEST(ParseQueryString, DecodesPercentAndPlus) {
  std::multimap<std::string, std::string> args;
  ParseQueryString("query=error%20OR%20warn&limit=10&x=a+b&empty=&flag&bad=%zz", &args);
  EXPECT_EQ(args.find("query")->second, "error OR warn");
  EXPECT_EQ(args.find("limit")->second, "10");
  EXPECT_EQ(args.find("x")->second, "a b");
  EXPECT_EQ(args.find("empty")->second, "");
  EXPECT_EQ(args.count("flag"), 1u);
  EXPECT_EQ(args.find("bad")->second, "%zz");
}

TEST(ParseQueryString, RepeatedArgsKeepOrder) {
  Request req;
  ParseQueryString("f=a&f=b", &req.args);
  EXPECT_EQ(req.args.count("f"), 2u);
  EXPECT_EQ(req.Arg("f"), "a");
  EXPECT_TRUE(req.HasArg("f"));
  EXPECT_FALSE(req.HasArg("g"));
}

TEST(ParseTenant, DefaultsAndErrors) {
  Request req;
  auto t = ParseTenant(req);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (TenantID{0, 0}));
  req.headers["accountid"] = "12";
  req.headers["projectid"] = "34";
  t = ParseTenant(req);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (TenantID{12, 34}));
  req.headers["projectid"] = "-1";
  t = ParseTenant(req);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("ProjectID"), std::string::npos);
  req.headers["projectid"] = "99999999999";
  EXPECT_FALSE(ParseTenant(req).ok());
}

}  // namespace
}  // namespace vl::http
