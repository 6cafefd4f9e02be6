#include "base/log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace salesdb::log {
namespace {

TEST(LogTest, WritesJsonLinesToTheConfiguredFileAtItsLevel) {
  std::string path =
      (std::filesystem::temp_directory_path() / ("salesdb-log-" + std::to_string(std::random_device{}()))).string();
  ASSERT_TRUE(Init("debug", path).ok());
  Debug("debug line", {{"request_id", "r1"}});
  ASSERT_TRUE(Init("warn", path).ok());  // a second Init replaces the logger
  Info("info line");
  Warn("warn line", {{"n", 2}});
  Flush();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(text, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 2u) << text.str();
  EXPECT_EQ(lines[0]["msg"], "debug line");
  EXPECT_EQ(lines[0]["level"], "debug");
  EXPECT_EQ(lines[0]["request_id"], "r1");
  EXPECT_EQ(lines[1]["msg"], "warn line");
  EXPECT_EQ(lines[1]["n"], 2);
  EXPECT_TRUE(Init("info", "").ok());  // back to stdout for the other tests
  std::filesystem::remove(path);
}

TEST(LogTest, ALineBelowWarnReachesTheFileWithoutAFlush) {
  std::string path =
      (std::filesystem::temp_directory_path() / ("salesdb-log-" + std::to_string(std::random_device{}()))).string();
  ASSERT_TRUE(Init("info", path).ok());
  Info("quiet line");  // buffered: spdlog's flusher writes it within a second
  auto text = [&] {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  for (int i = 0; i < 100 && text().find("quiet line") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(text().find("quiet line"), std::string::npos);
  EXPECT_TRUE(Init("info", "").ok());
  std::filesystem::remove(path);
}

TEST(LogTest, AFileThatCannotBeOpenedNamesTheSetting) {
  // Below a regular file: neither the folder nor the file can be made (spdlog creates missing folders).
  std::string file =
      (std::filesystem::temp_directory_path() / ("salesdb-log-" + std::to_string(std::random_device{}()))).string();
  std::ofstream(file) << "x";
  Status s = Init("info", file + "/salesdb.log");
  std::filesystem::remove(file);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("config log.file"), std::string::npos) << s.message();
  Info("still logging to stdout");  // the previous logger stays in place
}

}  // namespace
}  // namespace salesdb::log
