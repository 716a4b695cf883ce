#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "../../storage/test_util.h"
#include "vl/storage/buffer_pool.h"
#include "vl/storage/column.h"
#include "vl/storage/column_typed.h"
#include "vl/storage/format.h"
#include "vl/storage/ingest_batch.h"
#include "vl/storage/wal.h"

using namespace vl;
using namespace vl::storage;

static std::vector<std::string_view> RoundTrip(const std::vector<std::string_view>& in,
                                               ColumnEncoding* enc, std::string* buf) {
  std::string chunk;
  *enc = EncodeColumn(in, &chunk);
  std::vector<std::string_view> out;
  EXPECT_TRUE(DecodeColumn(chunk, in.size(), buf, &out));
  return out;
}

TEST(Encoding, Varints) {
  std::string s;
  std::vector<int64_t> vals = {0, 1, -1, 127, 128, -300, INT64_MAX, INT64_MIN};
  for (auto v : vals) PutZigzag(&s, v);
  PutVarint(&s, UINT64_MAX);
  ByteReader r(s);
  for (auto v : vals) {
    int64_t got;
    ASSERT_TRUE(r.Zigzag(&got));
    EXPECT_EQ(got, v);
  }
  uint64_t u;
  ASSERT_TRUE(r.Varint(&u));
  EXPECT_EQ(u, UINT64_MAX);
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.Varint(&u));
}

TEST(Encoding, ColumnConst) {
  std::vector<std::string_view> in(1000, "same value");
  ColumnEncoding enc;
  std::string buf;
  EXPECT_EQ(RoundTrip(in, &enc, &buf), in);
  EXPECT_EQ(enc, ColumnEncoding::kConst);
}

TEST(Encoding, ColumnDictWithEmpty) {
  std::vector<std::string_view> in;
  const char* vals[] = {"GET", "POST", "", "DELETE"};
  for (int i = 0; i < 5000; i++) in.push_back(vals[i % 4]);
  ColumnEncoding enc;
  std::string buf;
  EXPECT_EQ(RoundTrip(in, &enc, &buf), in);
  EXPECT_EQ(enc, ColumnEncoding::kDict);
}

TEST(Encoding, ColumnPlain) {
  std::vector<std::string> storage;
  for (int i = 0; i < 3000; i++) storage.push_back(i % 7 == 0 ? "" : "value-" + std::to_string(i * 7919));
  std::vector<std::string_view> in(storage.begin(), storage.end());
  ColumnEncoding enc;
  std::string buf;
  EXPECT_EQ(RoundTrip(in, &enc, &buf), in);
  EXPECT_EQ(enc, ColumnEncoding::kPlain);
}

TEST(Encoding, ColumnEmptyAndSingle) {
  ColumnEncoding enc;
  std::string buf;
  std::vector<std::string_view> one = {""};
  EXPECT_EQ(RoundTrip(one, &enc, &buf), one);
  std::vector<std::string_view> none;
  EXPECT_EQ(RoundTrip(none, &enc, &buf), none);
}

TEST(Encoding, Timestamps) {
  std::mt19937_64 rng(1);
  std::vector<int64_t> ts;
  int64_t t = -5'000'000'000LL;
  for (int i = 0; i < 10000; i++) ts.push_back(t += rng() % 1'000'000);
  std::string chunk;
  EncodeTimestamps(ts, &chunk);
  std::vector<int64_t> out;
  ASSERT_TRUE(DecodeTimestamps(chunk, ts.size(), &out));
  EXPECT_EQ(out, ts);
  EXPECT_LT(chunk.size(), ts.size() * 4);
}

TEST(Bloom, NoFalseNegativesFewFalsePositives) {
  std::vector<std::string> toks;
  for (int i = 0; i < 5000; i++) toks.push_back("tok" + std::to_string(i));
  std::vector<std::string_view> views(toks.begin(), toks.end());
  std::string bloom;
  BloomFilter::Build(views, &bloom);
  for (auto t : views) EXPECT_TRUE(BloomFilter::MayContain(bloom, t));
  int fp = 0;
  for (int i = 0; i < 10000; i++) fp += BloomFilter::MayContain(bloom, "other" + std::to_string(i));
  EXPECT_LT(fp, 300);  // < 3%
}

TEST(Bloom, Tokens) {
  std::vector<std::string_view> vals = {"GET /api/v1/users 200", "error: connection refused", ""};
  auto toks = CollectTokens(vals);
  std::string bloom;
  BloomFilter::Build(toks, &bloom);
  for (auto t : {"GET", "api", "v1", "users", "200", "error", "connection", "refused"})
    EXPECT_TRUE(BloomFilter::MayContain(bloom, t)) << t;
}

TEST(Wal, RowsRoundTrip) {
  std::vector<LogRow> rows;
  for (int i = 0; i < 10; i++) rows.push_back(storage_test::MakeRow({1, 2}, 1000 + i, "app", i));
  std::string payload;
  EncodeRows(rows, &payload);
  std::vector<LogRow> out;
  ASSERT_TRUE(DecodeRows(payload, &out));
  ASSERT_EQ(out.size(), rows.size());
  for (size_t i = 0; i < rows.size(); i++) {
    EXPECT_EQ(out[i].tenant, rows[i].tenant);
    EXPECT_EQ(out[i].timestamp, rows[i].timestamp);
    EXPECT_EQ(out[i].stream_id, rows[i].stream_id);
    EXPECT_EQ(out[i].stream_tags, rows[i].stream_tags);
    ASSERT_EQ(out[i].fields.size(), rows[i].fields.size());
    for (size_t f = 0; f < out[i].fields.size(); f++) {
      EXPECT_EQ(out[i].fields[f].name, rows[i].fields[f].name);
      EXPECT_EQ(out[i].fields[f].value, rows[i].fields[f].value);
    }
  }
  out.clear();
  EXPECT_FALSE(DecodeRows(std::string_view(payload).substr(0, payload.size() - 3), &out));
}

// Rows bigger than IngestBatch's scratch buffer, between small ones, round-trip intact.
TEST(Wal, EncodeRowsRoundTripsRowsBiggerThanItsScratch) {
  std::vector<LogRow> rows;
  for (int i = 0; i < 50; i++) {
    LogRow r = storage_test::MakeRow({}, 1000 + i, "a", i);
    if (i % 10 == 3) r.fields.push_back(Field{"big", std::string(200000 + i, static_cast<char>('a' + i % 26))});
    rows.push_back(std::move(r));
  }
  std::string payload = "old contents";  // replaced; only the capacity is reused
  EncodeRows(rows, &payload);
  std::vector<LogRow> back;
  ASSERT_TRUE(DecodeRows(payload, &back));
  ASSERT_EQ(back.size(), rows.size());
  for (size_t i = 0; i < rows.size(); i++) {
    EXPECT_EQ(back[i].timestamp, rows[i].timestamp);
    ASSERT_EQ(back[i].fields.size(), rows[i].fields.size());
    for (size_t f = 0; f < rows[i].fields.size(); f++) {
      EXPECT_EQ(back[i].fields[f].name, rows[i].fields[f].name);
      EXPECT_EQ(back[i].fields[f].value, rows[i].fields[f].value);
    }
  }
}

// The batch keeps rows inside its retention window, counts the others, and starts over after
// TakePayload().
TEST(IngestBatch, RetentionWindowAndReuse) {
  IngestBatch batch(1000, 2000);
  std::string tags;
  std::vector<FieldView> fields;
  for (int64_t ts : {999, 1000, 1500, 2000, 2001, 5000}) {
    batch.Append(ViewOf(storage_test::MakeRow({}, ts, "a", 0), &tags, &fields));
  }
  EXPECT_EQ(batch.rows(), 3u);
  EXPECT_EQ(batch.too_old(), 1u);
  EXPECT_EQ(batch.too_new(), 2u);
  EXPECT_EQ(batch.last_rejected_ts(), 5000);
  std::vector<LogRow> back;
  ASSERT_TRUE(DecodeRows(batch.TakePayload(), &back));
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].timestamp, 1000);
  EXPECT_EQ(back[2].timestamp, 2000);
  EXPECT_EQ(batch.rows(), 0u);
  EXPECT_EQ(batch.too_new(), 0u);
  batch.Append(ViewOf(storage_test::MakeRow({}, 1234, "a", 0), &tags, &fields));
  back.clear();
  ASSERT_TRUE(DecodeRows(batch.TakePayload(), &back));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].timestamp, 1234);
}

// A batch bigger than a chunk comes out as several self-contained chunks, each decodable alone,
// with the rows in order; concatenated (one WAL record) they decode as one payload.
TEST(IngestBatch, ChunksAreSelfContainedPayloads) {
  BufferPool pool(64u << 20);
  IngestBatch batch(INT64_MIN, INT64_MAX, &pool);
  std::string tags;
  std::vector<FieldView> fields;
  const int kRows = 4000;
  for (int i = 0; i < kRows; i++) {
    LogRow r = storage_test::MakeRow({}, 1000 + i, "a", i);
    r.fields.push_back(Field{"pad", std::string(200, 'p')});
    batch.Append(ViewOf(r, &tags, &fields));
  }
  std::vector<std::string> chunks = batch.TakePayloads();
  ASSERT_GT(chunks.size(), 2u);
  std::string all;
  int64_t next_ts = 1000;
  for (const std::string& c : chunks) {
    EXPECT_LE(c.size(), IngestBatch::kChunkBytes);
    std::vector<LogRow> rows;
    ASSERT_TRUE(DecodeRows(c, &rows));
    for (const LogRow& r : rows) EXPECT_EQ(r.timestamp, next_ts++);
    all += c;
  }
  EXPECT_EQ(next_ts, 1000 + kRows);
  std::vector<LogRow> rows;
  ASSERT_TRUE(DecodeRows(all, &rows));
  EXPECT_EQ(rows.size(), static_cast<size_t>(kRows));
}

TEST(Format, DayNames) {
  EXPECT_EQ(DayName(0), "19700101");
  EXPECT_EQ(DayOf(-1), -1);
  int64_t d;
  ASSERT_TRUE(ParseDayName("20240229", &d));
  EXPECT_EQ(DayName(d), "20240229");
}

// Typed encodings must reproduce the original bytes; near-miss texts must fall back to plain.
static void ExpectTyped(const std::vector<std::string>& vals, ColumnEncoding want) {
  std::vector<std::string_view> in(vals.begin(), vals.end());
  ColumnEncoding enc;
  std::string buf;
  EXPECT_EQ(RoundTrip(in, &enc, &buf), in);
  EXPECT_EQ(enc, want) << vals[1];
}

static std::vector<std::string> Many(const std::vector<std::string>& extra, int n = 600) {
  std::vector<std::string> v;
  for (int i = 0; i < n; i++) v.push_back(std::to_string(i * 37));
  v.insert(v.begin() + 1, extra.begin(), extra.end());
  return v;
}

TEST(Encoding, TypedIntegers) {
  ExpectTyped(Many({}), ColumnEncoding::kUint16);
  ExpectTyped(Many({"", "18446744073709551615"}), ColumnEncoding::kUint64);
  ExpectTyped(Many({"-7", "", "9223372036854775807"}), ColumnEncoding::kInt64);
  ExpectTyped(Many({"007"}), ColumnEncoding::kPlain);
  ExpectTyped(Many({"-0"}), ColumnEncoding::kPlain);
  ExpectTyped(Many({"+5"}), ColumnEncoding::kPlain);
  ExpectTyped(Many({"18446744073709551616"}), ColumnEncoding::kPlain);
}

TEST(Encoding, TypedDecimalsIPsTimes) {
  std::vector<std::string> dec, ip, iso, bad_dec;
  for (int i = 0; i < 600; i++) {
    char b[64];
    snprintf(b, sizeof(b), "%s%d.%03d", i % 5 == 1 ? "-" : "", i * 7, i % 1000);
    dec.push_back(b);
    snprintf(b, sizeof(b), "10.%d.%d.%d", i % 256, (i * 7) % 256, (i * 13) % 256);
    ip.push_back(b);
    snprintf(b, sizeof(b), "2025-0%d-%02dT%02d:%02d:%02d.%03dZ", 1 + i % 9, 1 + i % 28, i % 24,
             i % 60, (i * 7) % 60, i % 1000);
    iso.push_back(b);
  }
  dec[3] = "-0.001";
  ExpectTyped(dec, ColumnEncoding::kFloat64);
  ExpectTyped(ip, ColumnEncoding::kIPv4);
  ExpectTyped(iso, ColumnEncoding::kISO8601);
  auto d2 = dec;
  d2[5] = "1.50";  // different number of decimals
  ExpectTyped(d2, ColumnEncoding::kPlain);
  d2 = dec;
  d2[5] = "-0.000";
  ExpectTyped(d2, ColumnEncoding::kPlain);
  auto ip2 = ip;
  ip2[4] = "10.01.2.3";
  ExpectTyped(ip2, ColumnEncoding::kPlain);
  auto iso2 = iso;
  iso2[4] = "2025-02-30T00:00:00.000Z";  // no such day: printing it back differs
  ExpectTyped(iso2, ColumnEncoding::kPlain);
  iso2 = iso;
  iso2[4] = "";
  ExpectTyped(iso2, ColumnEncoding::kISO8601);
}

TEST(Encoding, NumericRanges) {
  std::vector<std::string> vals = {"5", "", "-2.5", "1e3", "7"};
  for (int i = 0; i < 300; i++) vals.push_back(std::to_string(i));
  std::vector<std::string_view> in(vals.begin(), vals.end());
  std::string chunk;
  NumericRange r;
  EncodeColumn(in, &chunk, nullptr, &r);
  ASSERT_TRUE(r.valid);
  EXPECT_EQ(r.min, -2.5);
  EXPECT_EQ(r.max, 1000);
  vals.push_back("1.5s");
  in.assign(vals.begin(), vals.end());
  EncodeColumn(in, &chunk, nullptr, &r);
  EXPECT_FALSE(r.valid);
  std::vector<std::string_view> dict = {"0.5", "2", "0.5", ""};
  EncodeColumn(dict, &chunk, nullptr, &r);
  ASSERT_TRUE(r.valid);
  EXPECT_EQ(r.min, 0.5);
  EXPECT_EQ(r.max, 2);
}

// Numbers decoded straight from typed bodies equal std::from_chars of the decoded text.
TEST(Encoding, TypedNumbersMatchText) {
  std::mt19937_64 rng(7);
  std::vector<std::vector<std::string>> cases = {
      {"1", "", "255", "0", "17"},
      {"70000", "3", ""},
      {"-5", "12", "", "-9000000000"},
      {"0.123", "", "5.000", "-0.250", "1234567.891"},
      {"1.5", "2.5"},
      {"18446744073709551615", "1"},
  };
  std::vector<std::string> rnd;
  for (int i = 0; i < 500; i++) {
    uint64_t m = rng() % 100000000000ULL;
    std::string s = std::to_string(m / 1000000) + "." + std::to_string(1000000 + m % 1000000).substr(1);
    rnd.push_back(s);
  }
  cases.push_back(rnd);
  for (const auto& c : cases) {
    std::vector<std::string_view> in(c.begin(), c.end());
    std::string chunk, buf, scratch;
    ColumnEncoding enc = EncodeColumn(in, &chunk);
    std::vector<std::string_view> text;
    ASSERT_TRUE(DecodeColumn(chunk, in.size(), &buf, &text));
    std::vector<double> nums;
    bool ok = DecodeColumnNumbers(chunk, in.size(), &scratch, &nums);
    EXPECT_EQ(ok, enc >= ColumnEncoding::kUint8 && enc <= ColumnEncoding::kFloat64) << c[0];
    if (!ok) continue;
    ASSERT_EQ(nums.size(), in.size());
    for (size_t i = 0; i < in.size(); i++) {
      if (text[i].empty()) {
        EXPECT_TRUE(std::isnan(nums[i]));
        continue;
      }
      double want;
      ASSERT_TRUE(ParsePlainNumber(text[i], &want));
      EXPECT_EQ(nums[i], want) << text[i];
    }
  }
  std::vector<std::string_view> words = {"a", "b", "a"};
  std::string chunk, scratch;
  std::vector<double> nums;
  EncodeColumn(words, &chunk);
  EXPECT_FALSE(DecodeColumnNumbers(chunk, words.size(), &scratch, &nums));
}
