// tests/tools/loadgen/query_set_test.cc -- wire encoding of load queries.
#include "tools/loadgen/query_set.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace hadns::loadgen {
namespace {

std::vector<uint8_t> bytes(std::initializer_list<int> v) {
  return std::vector<uint8_t>(v.begin(), v.end());
}

TEST(LoadgenQuerySet, EncodesQuestionWithoutEdns) {
  auto q = encode_query("www.Example.test", "AAAA", {});
  auto want = bytes({0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                     3, 'w', 'w', 'w', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0,
                     0, 28, 0, 1});
  EXPECT_EQ(q.bytes, want);
}

TEST(LoadgenQuerySet, TrailingDotAndRootAreTheSameName) {
  EXPECT_EQ(encode_query("a.test.", "A", {}).bytes, encode_query("a.test", "A", {}).bytes);
  auto root = encode_query(".", "NS", {});
  ASSERT_EQ(root.bytes.size(), 12u + 1 + 4);
  EXPECT_EQ(root.bytes[12], 0);
}

TEST(LoadgenQuerySet, AppendsOptWhenAsked) {
  query_options o;
  o.edns = true;
  o.recursion_desired = true;
  auto q = encode_query("a.test", "txt", o);
  EXPECT_EQ(q.bytes[2], 0x01);   // RD
  EXPECT_EQ(q.bytes[11], 1);     // ARCOUNT
  ASSERT_EQ(q.bytes.size(), 12u + 8 + 4 + 11);
  const uint8_t* opt = q.bytes.data() + q.bytes.size() - 11;
  EXPECT_EQ(opt[0], 0);
  EXPECT_EQ((opt[1] << 8) | opt[2], 41);
  EXPECT_EQ((opt[3] << 8) | opt[4], 1232);
}

TEST(LoadgenQuerySet, KnowsMnemonicsAndGenericTypes) {
  EXPECT_EQ(type_from_text("a"), 1);
  EXPECT_EQ(type_from_text("HTTPS"), 65);
  EXPECT_EQ(type_from_text("TYPE65534"), 65534);
  EXPECT_EQ(type_from_text("TYPE70000"), 0);
  EXPECT_EQ(type_from_text("BOGUS"), 0);
  EXPECT_THROW(encode_query("a.test", "BOGUS", {}), query_error);
}

TEST(LoadgenQuerySet, DecodesEscapes) {
  auto q = encode_query("a\\.b.c\\065", "A", {});
  auto want = bytes({3, 'a', '.', 'b', 2, 'c', 'A', 0});
  EXPECT_EQ(std::vector<uint8_t>(q.bytes.begin() + 12, q.bytes.begin() + 12 + 8), want);
}

TEST(LoadgenQuerySet, RejectsOverlongLabelsAndNames) {
  EXPECT_THROW(encode_query(std::string(64, 'x') + ".test", "A", {}), query_error);
  std::string name;
  for (int i = 0; i < 5; ++i) name += std::string(60, 'x') + ".";
  EXPECT_THROW(encode_query(name, "A", {}), query_error);
  EXPECT_THROW(encode_query("a..test", "A", {}), query_error);
}

TEST(LoadgenQuerySet, LoadsDnsperfFileSkippingCommentsAndNamingBadLines) {
  std::string path = testing::TempDir() + "query_set_test.txt";
  {
    std::ofstream f(path);
    f << "; comment\n\n  a.test   A\r\n# other comment\nb.test\tMX\nc.test\n";
  }
  auto qs = load_query_file(path, {});
  ASSERT_EQ(qs.size(), 3u);
  EXPECT_EQ(qs[1].bytes[qs[1].bytes.size() - 3], 15);  // MX
  EXPECT_EQ(qs[2].bytes[qs[2].bytes.size() - 3], 1);   // type defaults to A
  {
    std::ofstream f(path);
    f << "a.test A\nb.test NOPE\n";
  }
  try {
    load_query_file(path, {});
    FAIL() << "expected query_error";
  } catch (const query_error& e) {
    EXPECT_NE(std::string(e.what()).find(":2:"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace hadns::loadgen
