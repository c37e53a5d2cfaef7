#include "hector/auth/key_ring.hpp"

#include <charconv>
#include <mutex>

#include <fmt/format.h>

#include "hector/common/json.hpp"
#include "hector/common/logging.hpp"

namespace hector::auth {

namespace {

constexpr std::string_view kKidPrefix = "hector-key-";

Result<KeyRing::Entry> entry_from(const store::SigningKeyRecord& r) {
    if (r.algorithm != "ES256")
        return Error{Errc::unsupported, fmt::format("signing key {}: unsupported algorithm {}", r.kid, r.algorithm)};
    auto key = Key::from_private_pem(r.private_pem);
    if (!key) return Error{Errc::io_error, fmt::format("signing key {}: {}", r.kid, key.error().message)};
    auto jwk = key->public_jwk();
    if (!jwk) return Error{Errc::io_error, fmt::format("signing key {}: {}", r.kid, jwk.error().message)};
    (*jwk)["kid"] = r.kid;
    (*jwk)["use"] = "sig";
    (*jwk)["alg"] = "ES256";
    return KeyRing::Entry{r.kid, std::move(key).value(), std::move(jwk).value()};
}

}  // namespace

int key_number(std::string_view kid) {
    if (!kid.starts_with(kKidPrefix)) return 0;
    kid.remove_prefix(kKidPrefix.size());
    int n = 0;
    auto r = std::from_chars(kid.data(), kid.data() + kid.size(), n);
    if (r.ec != std::errc{} || r.ptr != kid.data() + kid.size() || n <= 0) return 0;
    return n;
}

boost::asio::awaitable<Result<store::SigningKeyRecord>> KeyRing::create(int number) {
    auto key = Key::generate_p256();
    if (!key) co_return std::move(key).error();
    auto pem = key->private_pem();
    if (!pem) co_return std::move(pem).error();
    auto jwk = key->public_jwk();
    if (!jwk) co_return std::move(jwk).error();
    store::SigningKeyRecord record;
    record.kid = fmt::format("{}{}", kKidPrefix, number);
    record.algorithm = "ES256";
    record.private_pem = std::move(pem).value();
    record.public_jwk = to_json(*jwk);
    auto stored = co_await store_.create(std::move(record));
    co_return stored;
}

boost::asio::awaitable<Status> KeyRing::load() {
    auto records = co_await store_.list_active();
    if (!records) co_return std::move(records).error();
    if (records->empty()) {
        auto created = co_await create(1);
        if (!created) co_return std::move(created).error();
        log::info("auth", "created the app token signing key {}", created->kid);
        records->push_back(std::move(created).value());
    }
    std::vector<Entry> loaded;
    for (const auto& r : *records) {
        auto e = entry_from(r);
        if (!e) co_return std::move(e).error();
        loaded.push_back(std::move(e).value());
    }
    std::unique_lock lock(mu_);
    keys_ = std::move(loaded);
    loaded_ = true;
    co_return Status{};
}

boost::asio::awaitable<Status> KeyRing::ensure_loaded() {
    if (loaded_.load()) co_return Status{};
    // Two first requests may both load: load() tolerates that, as it does several instances starting at once.
    co_return co_await load();
}

boost::asio::awaitable<Status> KeyRing::rotate() {
    int highest = 0;
    {
        std::shared_lock lock(mu_);
        for (const auto& e : keys_) highest = std::max(highest, key_number(e.kid));
    }
    auto created = co_await create(highest + 1);
    if (!created) co_return std::move(created).error();
    auto reloaded = co_await load();
    co_return reloaded;
}

std::optional<KeyRing::Entry> KeyRing::signer() const {
    std::shared_lock lock(mu_);
    if (keys_.empty()) return std::nullopt;
    // The newest by number: created_at order could differ between instances' clocks.
    const Entry* best = &keys_.front();
    for (const auto& e : keys_)
        if (key_number(e.kid) > key_number(best->kid)) best = &e;
    return *best;
}

std::optional<Key> KeyRing::find(std::string_view kid) const {
    std::shared_lock lock(mu_);
    for (const auto& e : keys_)
        if (e.kid == kid) return e.key;
    return std::nullopt;
}

json::object KeyRing::jwks() const {
    json::array keys;
    {
        std::shared_lock lock(mu_);
        for (const auto& e : keys_) keys.push_back(e.jwk);
    }
    json::object out;
    out["keys"] = std::move(keys);
    return out;
}

}  // namespace hector::auth
