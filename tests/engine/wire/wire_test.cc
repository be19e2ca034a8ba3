// tests/engine/wire/wire_test.cc -- bounded cursors, names and EDNS.
#include <gtest/gtest.h>

#include <vector>

#include "engine/wire/edns.h"
#include "engine/wire/header.h"
#include "engine/wire/name.h"
#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace hadns::wire {
namespace {

TEST(Reader, ReadsBigEndianAndErrorsStick) {
  const uint8_t data[] = {0x12, 0x34, 0xAB, 0xCD, 0xEF, 0x01, 0x02};
  reader r(data, sizeof data);
  EXPECT_EQ(r.u16(), 0x1234);
  EXPECT_EQ(r.u32(), 0xABCDEF01u);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.u16(), 0) << "only one byte left";
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.u8(), 0) << "the error sticks";
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(Reader, TakeAndSkipAreBounded) {
  const uint8_t data[] = {1, 2, 3};
  reader r(data, sizeof data);
  EXPECT_EQ(r.take(2), data);
  EXPECT_EQ(r.take(2), nullptr);
  EXPECT_FALSE(r.ok());
  reader s(data, sizeof data);
  s.skip(4);
  EXPECT_FALSE(s.ok());
}

TEST(Writer, RefusesToOverflow) {
  uint8_t buf[5] = {0, 0, 0, 0, 0x77};
  writer w(buf, 4);
  w.u16(0xBEEF);
  w.u32(1);
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.pos(), 2u);
  EXPECT_EQ(buf[4], 0x77);
  EXPECT_EQ(buf[0], 0xBE);
}

TEST(Name, LowerCasesAndRecordsLabels) {
  const uint8_t data[] = {3, 'W', 'w', 'W', 4, 'C', 'o', 'R', 'e', 0, 0xFF};
  reader r(data, sizeof data);
  parsed_name n;
  ASSERT_TRUE(read_question_name(r, n));
  EXPECT_EQ(r.pos(), 10u);
  EXPECT_EQ(n.len, 10);
  EXPECT_EQ(n.labels, 2);
  EXPECT_EQ(n.label_off[0], 0);
  EXPECT_EQ(n.label_off[1], 4);
  const uint8_t lower[] = {3, 'w', 'w', 'w', 4, 'c', 'o', 'r', 'e', 0};
  EXPECT_EQ(std::memcmp(n.lower, lower, sizeof lower), 0);
}

TEST(Name, RejectsPointersLongNamesAndTruncation) {
  parsed_name n;
  const uint8_t ptr[] = {0xC0, 12};
  reader r1(ptr, sizeof ptr);
  EXPECT_FALSE(read_question_name(r1, n));
  const uint8_t cut[] = {3, 'a', 'b'};
  reader r2(cut, sizeof cut);
  EXPECT_FALSE(read_question_name(r2, n));
  std::vector<uint8_t> longname;
  for (int i = 0; i < 5; ++i) {
    longname.push_back(63);
    longname.insert(longname.end(), 63, 'x');
  }
  longname.push_back(0);
  reader r3(longname.data(), longname.size());
  EXPECT_FALSE(read_question_name(r3, n)) << "over 255 bytes";
  const uint8_t root[] = {0};
  reader r4(root, 1);
  ASSERT_TRUE(read_question_name(r4, n));
  EXPECT_EQ(n.len, 1);
  EXPECT_EQ(n.labels, 0);
}

TEST(Name, SkipsCompressedNames) {
  const uint8_t data[] = {1, 'a', 0xC0, 0, 9};
  reader r(data, sizeof data);
  EXPECT_TRUE(skip_name(r));
  EXPECT_EQ(r.pos(), 4u);
  EXPECT_EQ(name_length(data, 2), 0u);
  const uint8_t plain[] = {1, 'a', 0};
  EXPECT_EQ(name_length(plain, 3), 3u);
  EXPECT_TRUE(name_equal(plain, (const uint8_t*)"\1A", 3));
}

TEST(Edns, ParsesOptAndOptions) {
  const uint8_t opt[] = {0x10, 0x00, 0, 1, 0x80, 0, 0, 6, 0, 10, 0, 2, 0xAA, 0xBB};
  reader r(opt, sizeof opt);
  edns_info e;
  ASSERT_TRUE(read_opt_body(r, e));
  EXPECT_TRUE(e.present);
  EXPECT_EQ(e.udp_size, 4096);
  EXPECT_EQ(e.version, 1);
  EXPECT_TRUE(e.do_bit);
  const uint8_t bad[] = {0x10, 0x00, 0, 0, 0, 0, 0, 5, 0, 10, 0, 2, 0xAA};
  reader r2(bad, sizeof bad);
  edns_info e2;
  EXPECT_FALSE(read_opt_body(r2, e2));
}

TEST(Edns, WritesOpt) {
  uint8_t buf[11];
  writer w(buf, sizeof buf);
  write_opt(w, 1232, k_badvers, 0, true);
  ASSERT_TRUE(w.ok());
  const uint8_t want[] = {0, 0, 41, 0x04, 0xD0, 1, 0, 0x80, 0, 0, 0};
  EXPECT_EQ(std::memcmp(buf, want, sizeof want), 0);
  EXPECT_TRUE(is_meta_type(252));
  EXPECT_TRUE(is_meta_type(41));
  EXPECT_FALSE(is_meta_type(65534));
}

}  // namespace
}  // namespace hadns::wire
