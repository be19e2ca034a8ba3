// tests/engine/zone/check_config_test.cc -- the one config check behind
// `hadnsd --check-config` and `hadnsctl check-config`, over files on disk.
#include "engine/zone/check_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/config/config.h"

namespace hadns::zone {
namespace {

class CheckConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hadns-check-XXXXXX").string();
    ASSERT_TRUE(mkdtemp(tmpl.data()));
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // A config serving `zone_file` (from tests/data/zones) as `origin`.
  std::string config_for(const std::string& origin, const std::string& zone_file) {
    std::string path = (dir_ / "hadns.yaml").string();
    std::ofstream(path) << "server:\n  listen: [127.0.0.1:53]\ncontrol:\n  listen: off\nzones:\n"
                        << "  - origin: " << origin << "\n    file: " << HADNS_SOURCE_DIR
                        << "/tests/data/zones/" << zone_file << "\n";
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(CheckConfig, SignedZoneIsAnErrorNamingTheZoneFileAndLine) {
  try {
    check_config_file(config_for("signed.test.", "signed.test.zone"));
    FAIL() << "a signed zone passed the check";
  } catch (const config::config_error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("signed.test.zone:11: "), std::string::npos) << what;
    EXPECT_NE(what.find("signed zones are not served"), std::string::npos) << what;
  }
}

TEST_F(CheckConfig, UnsignedZoneWithDsPasses) {
  std::string out = check_config_file(config_for("core.test.", "core.test.zone"));
  EXPECT_NE(out.find(": ok ("), std::string::npos) << out;
}

}  // namespace
}  // namespace hadns::zone
