// The example configs in config/ are documentation users copy: each must load, validate and print cleanly.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hector/config/loader.hpp"

namespace hector::config {
namespace {

namespace fs = std::filesystem;

Environment shipped_env() {
    return Environment::fixed({
        {"OPENAI_API_KEY", "sk-test"},
        {"ANTHROPIC_API_KEY", "sk-ant-test"},
        {"GITHUB_WEBHOOK_SECRET", "gh-secret"},
        {"HECTOR_API_KEY", "0123456789abcdef"},
    });
}

std::vector<fs::path> shipped_files() {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::path(HECTOR_SOURCE_DIR) / "config", ec)) {
        auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string warnings_of(const Loaded& l) {
    std::string s;
    for (const auto& w : l.diagnostics.warnings) s += "  " + w.text() + "\n";
    return s;
}

TEST(ShippedConfigs, EveryFileValidatesWithoutWarnings) {
    const auto files = shipped_files();
    ASSERT_GE(files.size(), 6u) << "expected the example configs in " HECTOR_SOURCE_DIR "/config";
    for (const auto& path : files) {
        SCOPED_TRACE(path.filename().string());
        Loaded l = load_config_text(read_file(path), shipped_env());
        EXPECT_TRUE(l.ok()) << path.filename() << ":\n" << l.diagnostics.summary();
        // Examples are copied as they are, so they carry no unknown keys and nothing else worth a warning.
        EXPECT_TRUE(l.diagnostics.warnings.empty()) << path.filename() << ":\n" << warnings_of(l);
        EXPECT_FALSE(l.config.agents.empty()) << path.filename() << " defines no agent";
    }
}

TEST(ShippedConfigs, PrintedConfigLoadsAgain) {
    // `validate --print-config` output must itself be a valid config: the printer and the reader agree on
    // every key, including defaults the file never wrote.
    for (const auto& path : shipped_files()) {
        SCOPED_TRACE(path.filename().string());
        Loaded first = load_config_text(read_file(path), shipped_env());
        ASSERT_TRUE(first.ok()) << first.diagnostics.summary();
        const std::string printed = to_yaml(to_json(first.config));
        Loaded second = load_config_text(printed, Environment::fixed({}));
        EXPECT_TRUE(second.ok()) << second.diagnostics.summary() << "\n" << printed;
        for (const auto& w : second.diagnostics.warnings)
            EXPECT_EQ(w.message.find("unknown key"), std::string::npos) << w.text();
        EXPECT_EQ(second.config.agents.size(), first.config.agents.size());
    }
}

TEST(ShippedConfigs, MinimalRunsOffline) {
    Loaded l = load_config_file(HECTOR_SOURCE_DIR "/config/minimal.yaml", Environment::fixed({}));
    ASSERT_TRUE(l.ok()) << l.diagnostics.summary();
    ASSERT_EQ(l.config.llms.size(), 1u);
    EXPECT_EQ(l.config.llms.front().second.provider, "echo");
}

}  // namespace
}  // namespace hector::config
