// tests/probes/state_file_test.cc -- overrides kept across restarts.
#include "probes/state_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "probes/status.h"
#include "probes/status_json.h"
#include "tests/probes/fake_clock.h"

namespace hadns::probes {
namespace {

using testing::at_ms;
namespace fs = std::filesystem;

struct StateFile : ::testing::Test {
  fs::path dir;
  void SetUp() override {
    char tmpl[] = "/tmp/hadns-state-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override { fs::remove_all(dir); }
};

TEST_F(StateFile, RoundTripsOverrides) {
  std::string path = (dir / "state.json").string();
  std::map<std::string, override_entry> saved{{"eu", {health::unhealthy, std::nullopt}},
                                              {"us", {health::healthy, at_ms(60'000).wall}}};
  ASSERT_EQ(save_state_file(path, saved), "");
  loaded_state l = load_state_file(path, at_ms(0).wall);
  EXPECT_EQ(l.error, "");
  EXPECT_EQ(l.overrides, saved);
  EXPECT_FALSE(fs::exists(path + ".tmp." + std::to_string(getpid())));
}

TEST_F(StateFile, DropsExpiredEntriesAtLoad) {
  std::string path = (dir / "state.json").string();
  ASSERT_EQ(save_state_file(path, {{"eu", {health::unhealthy, at_ms(1000).wall}}}), "");
  loaded_state l = load_state_file(path, at_ms(1000).wall);
  EXPECT_TRUE(l.overrides.empty());
  EXPECT_EQ(l.expired, std::vector<std::string>{"eu"});
}

TEST_F(StateFile, MissingFileIsEmpty) {
  loaded_state l = load_state_file((dir / "none.json").string(), at_ms(0).wall);
  EXPECT_EQ(l.error, "");
  EXPECT_TRUE(l.overrides.empty());
}

TEST_F(StateFile, MalformedFileIsAnError) {
  std::string path = (dir / "state.json").string();
  std::ofstream(path) << "{\"overrides\": {\"eu\": {\"state\": \"sideways\"}}}";
  loaded_state l = load_state_file(path, at_ms(0).wall);
  EXPECT_NE(l.error.find("overrides.eu"), std::string::npos) << l.error;
  std::ofstream(path) << "not json";
  EXPECT_NE(load_state_file(path, at_ms(0).wall).error, "");
}

TEST_F(StateFile, UnwritableFolderReportsTheError) {
  std::string path = (dir / "missing" / "state.json").string();
  std::string err = save_state_file(path, {{"eu", {health::unhealthy, std::nullopt}}});
  EXPECT_NE(err.find("No such file"), std::string::npos) << err;
}

TEST(UtcTime, FormatsAndParsesMilliseconds) {
  wall_time t{};
  ASSERT_TRUE(parse_utc("2024-05-01T12:34:56.789Z", t));
  EXPECT_EQ(format_utc(t), "2024-05-01T12:34:56.789Z");
  ASSERT_TRUE(parse_utc("2024-05-01T12:34:56Z", t));
  EXPECT_EQ(format_utc(t), "2024-05-01T12:34:56.000Z");
  EXPECT_FALSE(parse_utc("2024-05-01 12:34:56", t));
  EXPECT_FALSE(parse_utc("2024-05-01T12:34:56+02:00", t));
}

}  // namespace
}  // namespace hadns::probes
