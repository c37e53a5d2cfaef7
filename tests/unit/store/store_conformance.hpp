#pragma once

#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace hector::store::testing {

/// The one suite every backend must pass unchanged (DESIGN.md §5). Instantiated for memory and SQLite in
/// store_test, for PostgreSQL in store_pg_test.
class StoreConformance : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        env_ = GetParam().make();
        if (auto why = env_->skip_reason()) GTEST_SKIP() << *why;
        auto opened = env_->open(pool_);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        stores_ = std::move(opened).value();
    }
    void TearDown() override { stores_ = {}; }

    TaskStore& tasks() { return *stores_.tasks; }
    SessionStore& sessions() { return *stores_.sessions; }
    QueueStore& queue() { return *stores_.queue; }

    asio::thread_pool pool_{4};
    std::unique_ptr<BackendEnv> env_;
    BackendStores stores_;
};

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param.name;
}

}  // namespace hector::store::testing
