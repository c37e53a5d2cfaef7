#include "hector/store/memory/memory_app_store.hpp"

#include <algorithm>

namespace hector::store {

namespace {

Error app_not_found() {
    return Error{Errc::not_found, "app not found"};
}

}  // namespace

boost::asio::awaitable<Result<std::vector<AppRecord>>> MemoryAppStore::list() {
    std::vector<AppRecord> out;
    {
        std::lock_guard lock(mu_);
        out.reserve(apps_.size());
        for (const auto& [id, app] : apps_) out.push_back(app);
    }
    std::sort(out.begin(), out.end(), [](const AppRecord& a, const AppRecord& b) {
        if (a.created_at != b.created_at) return a.created_at < b.created_at;
        return a.id < b.id;
    });
    co_return out;
}

boost::asio::awaitable<Result<AppRecord>> MemoryAppStore::get(std::string id) {
    std::lock_guard lock(mu_);
    auto it = apps_.find(id);
    if (it == apps_.end()) co_return app_not_found();
    co_return it->second;
}

boost::asio::awaitable<Result<AppRecord>> MemoryAppStore::create(AppRecord record) {
    std::lock_guard lock(mu_);
    if (apps_.contains(record.id)) co_return Error{Errc::conflict, "an app with this id exists"};
    const auto now = Clock::now();
    if (record.created_at == TimePoint{}) record.created_at = now;
    if (record.updated_at == TimePoint{}) record.updated_at = record.created_at;
    apps_.emplace(record.id, record);
    co_return record;
}

boost::asio::awaitable<Result<AppRecord>> MemoryAppStore::update(std::string id, AppUpdate update) {
    std::lock_guard lock(mu_);
    auto it = apps_.find(id);
    if (it == apps_.end()) co_return app_not_found();
    auto& app = it->second;
    if (update.name) app.name = std::move(*update.name);
    if (update.config_json) app.config_json = std::move(*update.config_json);
    app.updated_at = std::max(Clock::now(), app.updated_at);
    co_return app;
}

boost::asio::awaitable<Status> MemoryAppStore::remove(std::string id) {
    std::lock_guard lock(mu_);
    if (apps_.erase(id) == 0) co_return app_not_found();
    co_return Status{};
}

boost::asio::awaitable<Result<AppRecord>> MemoryAppStore::bump_token_version(std::string id) {
    std::lock_guard lock(mu_);
    auto it = apps_.find(id);
    if (it == apps_.end()) co_return app_not_found();
    ++it->second.token_version;
    co_return it->second;
}

boost::asio::awaitable<Result<std::vector<SigningKeyRecord>>> MemorySigningKeyStore::list_active() {
    std::vector<SigningKeyRecord> out;
    {
        std::lock_guard lock(mu_);
        for (const auto& [kid, key] : keys_)
            if (!key.retired_at) out.push_back(key);
    }
    std::sort(out.begin(), out.end(), [](const SigningKeyRecord& a, const SigningKeyRecord& b) {
        if (a.created_at != b.created_at) return a.created_at < b.created_at;
        return a.kid < b.kid;
    });
    co_return out;
}

boost::asio::awaitable<Result<SigningKeyRecord>> MemorySigningKeyStore::get(std::string kid) {
    std::lock_guard lock(mu_);
    auto it = keys_.find(kid);
    if (it == keys_.end()) co_return Error{Errc::not_found, "signing key not found"};
    co_return it->second;
}

boost::asio::awaitable<Result<SigningKeyRecord>> MemorySigningKeyStore::create(SigningKeyRecord record) {
    std::lock_guard lock(mu_);
    if (record.created_at == TimePoint{}) record.created_at = Clock::now();
    auto [it, inserted] = keys_.emplace(record.kid, record);
    co_return it->second;
}

}  // namespace hector::store
