#include "vl/insert/json_fields.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vl::insert {
namespace {

std::vector<std::pair<std::string, std::string>> ParseOk(JsonFieldsParser& p, std::string_view json) {
  std::vector<FieldView> fields;
  Status st = p.Parse(json, &fields);
  EXPECT_TRUE(st.ok()) << json << ": " << st.ToString();
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& f : fields) out.emplace_back(f.name, f.value);
  return out;
}

using KV = std::vector<std::pair<std::string, std::string>>;

TEST(JsonFields, FlattenAndTypes) {
  JsonFieldsParser p;
  EXPECT_EQ(ParseOk(p, R"({"a":{"b":1,"c":{"d":"x"}},"e":"f"})"), (KV{{"a.b", "1"}, {"a.c.d", "x"}, {"e", "f"}}));
  EXPECT_EQ(ParseOk(p, R"({"n":1.50,"i":-3,"e":1E+10,"t":true,"f":false,"z":null,"s":"str"})"),
            (KV{{"n", "1.50"}, {"i", "-3"}, {"e", "1E+10"}, {"t", "true"}, {"f", "false"}, {"s", "str"}}));
  EXPECT_EQ(ParseOk(p, R"({ "arr" : [1, "two", {"x": null}, [ ] ] , "o" : { } , "big": 123456789012345678901234567890 })"),
            (KV{{"arr", R"([1,"two",{"x":null},[]])"}, {"big", "123456789012345678901234567890"}}));
  EXPECT_EQ(ParseOk(p, R"({})"), KV{});
  EXPECT_EQ(ParseOk(p, "  {\"a\" : 1 }  \t"), (KV{{"a", "1"}}));
}

TEST(JsonFields, UnicodeAndEscapes) {
  JsonFieldsParser p;
  EXPECT_EQ(ParseOk(p, R"({"m":"line1\nline2\t\"q\" \\ \/ \u0041\u00e9\u4e2d\ud83d\ude00"})"),
            (KV{{"m", "line1\nline2\t\"q\" \\ / A\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"}}));
  EXPECT_EQ(ParseOk(p, "{\"\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87\":\"\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xF0\x9F\x91\x8B\"}"),
            (KV{{"\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87", "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xF0\x9F\x91\x8B"}}));
  EXPECT_EQ(ParseOk(p, R"({"k\"ey":"v","a\u002eb":{"c":"d"}})"), (KV{{"k\"ey", "v"}, {"a.b.c", "d"}}));
  EXPECT_EQ(ParseOk(p, R"({"arr":["a\"b"]})"), (KV{{"arr", R"(["a\"b"])"}}));
}

TEST(JsonFields, LongNestedNamesCollapse) {
  JsonFieldsParser p;
  std::string long_key(125, 'k');
  std::string json = R"({"a":{"b":{")" + long_key + R"(":1,"y":2}},"z":3})";
  EXPECT_EQ(ParseOk(p, json), (KV{{"a.b", "{\"" + long_key + "\":1,\"y\":2}"}, {"z", "3"}}));
}

TEST(JsonFields, Errors) {
  JsonFieldsParser p;
  for (std::string_view bad : {"", "[1,2]", "123", "\"str\"", "null", "{", R"({"a":1)", R"({"a":1,})", R"({"a":})",
                               R"({"a":tru})", R"({"a":nul})", R"({"a":01})", R"({"a":1.})", R"({a:1})",
                               R"({"a":"\x"})", R"({"a":1} x)", R"({"a":1}{"b":2})", R"({"a" 1})", "{\"a\":\"\xff\"}"}) {
    std::vector<FieldView> fields;
    Status st = p.Parse(bad, &fields);
    EXPECT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << bad;
  }
  // The parser is reusable after an error.
  EXPECT_EQ(ParseOk(p, R"({"ok":"yes"})"), (KV{{"ok", "yes"}}));
}

}  // namespace
}  // namespace vl::insert
