#include "hector/auth/external_jwt.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include <fmt/format.h>

#include "hector/common/json.hpp"
#include "hector/common/logging.hpp"
#include "hector/net/http_client.hpp"

namespace hector::auth {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxJwksBytes = 1024 * 1024;
constexpr auto kWaitStep = std::chrono::milliseconds(20);

Error invalid(std::string message) {
    return Error{Errc::unauthorized, "token: " + std::move(message)};
}

}  // namespace

Result<std::vector<JwksKey>> parse_jwks(std::string_view text) {
    auto doc = parse_json(text, 16);
    if (!doc || !doc->is_object()) return Error{Errc::invalid_argument, "JWKS is not a JSON object"};
    const auto* keys = get_array(doc->get_object(), "keys");
    if (!keys) return Error{Errc::invalid_argument, "JWKS has no keys array"};
    std::vector<JwksKey> out;
    for (const auto& v : *keys) {
        if (!v.is_object()) continue;
        const auto& jwk = v.get_object();
        if (auto use = get_string(jwk, "use"); use && *use != "sig") continue;
        std::optional<Algorithm> alg;
        if (find(jwk, "alg")) {
            auto name = get_string(jwk, "alg");
            alg = name ? parse_algorithm(*name) : std::nullopt;
            if (!alg) continue;  // a key for an algorithm this server never accepts
        }
        auto key = Key::from_jwk(jwk);
        if (!key) {
            log::debug("auth", "JWKS: skipping a key: {}", key.error().message);
            continue;
        }
        auto kid = get_string(jwk, "kid");
        out.push_back(JwksKey{kid ? std::string(*kid) : std::string(), alg, std::move(key).value()});
    }
    return out;
}

ExternalJwtVerifier::ExternalJwtVerifier(net::HttpClient& http, ExternalJwtSettings settings)
    : http_(http), settings_(std::move(settings)) {}

std::vector<Key> ExternalJwtVerifier::candidates(std::string_view kid, Algorithm alg) const {
    std::vector<Key> out;
    std::lock_guard lock(mu_);
    for (const auto& e : keys_) {
        if (!kid.empty() && e.kid != kid) continue;
        if (e.alg && *e.alg != alg) continue;
        if (e.key.fits(alg)) out.push_back(e.key);
    }
    return out;
}

bool ExternalJwtVerifier::knows(std::string_view kid) const {
    std::lock_guard lock(mu_);
    return std::any_of(keys_.begin(), keys_.end(), [&](const JwksKey& e) { return e.kid == kid; });
}

asio::awaitable<Status> ExternalJwtVerifier::fetch() {
    // Clears fetching_ however this coroutine ends (an error, or destruction while suspended).
    struct Done {
        ExternalJwtVerifier* self;
        ~Done() {
            std::lock_guard lock(self->mu_);
            self->fetching_ = false;
        }
    } done{this};
    ++fetches_;
    net::HttpRequest request;
    request.url = settings_.jwks_url;
    request.headers.emplace_back("Accept", "application/json");
    request.timeout = settings_.fetch_timeout;
    request.connect_timeout = std::min(settings_.fetch_timeout, std::chrono::milliseconds(5000));
    request.max_response_bytes = kMaxJwksBytes;
    request.follow_redirects = true;
    auto response = co_await http_.request(std::move(request));
    Error failure;
    if (!response) {
        failure = std::move(response).error();
    } else if (response->status != 200) {
        failure = Error{Errc::upstream_error, fmt::format("HTTP status {}", response->status)};
    } else if (auto keys = parse_jwks(response->body); !keys) {
        failure = std::move(keys).error();
    } else {
        const auto count = keys->size();
        {
            std::lock_guard lock(mu_);
            keys_ = std::move(keys).value();
            fetched_at_ = Steady::now();
        }
        log::debug("auth", "JWKS: {} usable key(s) from {}", count, settings_.jwks_url);
        co_return Status{};
    }
    log::warn("auth", "JWKS fetch from {} failed: {} (keeping the keys already known)", settings_.jwks_url,
              failure.message);
    co_return failure;
}

asio::awaitable<Status> ExternalJwtVerifier::refresh_for(Why why) {
    bool wait = false;
    {
        std::lock_guard lock(mu_);
        const auto now = Steady::now();
        const auto gap = settings_.min_refetch_gap;
        const bool recently_tried = attempted_at_ && now - *attempted_at_ < gap;
        if (fetching_) {
            wait = true;
        } else if (why == Why::unknown_kid && forced_at_ && now - *forced_at_ < gap) {
            co_return Status{};
        } else if (why == Why::periodic &&
                   ((fetched_at_ && now - *fetched_at_ < settings_.refresh_interval) || recently_tried)) {
            co_return Status{};
        } else {
            fetching_ = true;
            attempted_at_ = now;
            if (why == Why::unknown_kid) forced_at_ = now;
        }
    }
    if (!wait) {
        auto st = co_await fetch();
        co_return st;
    }
    // Another coroutine is fetching: wait for its result rather than starting a second request.
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const auto deadline = Steady::now() + settings_.fetch_timeout + std::chrono::seconds(1);
    while (Steady::now() < deadline) {
        {
            std::lock_guard lock(mu_);
            if (!fetching_) co_return Status{};
        }
        timer.expires_after(kWaitStep);
        co_await timer.async_wait(asio::use_awaitable);
    }
    co_return Status{};
}

asio::awaitable<Status> ExternalJwtVerifier::refresh() {
    auto st = co_await refresh_for(Why::asked);
    co_return st;
}

asio::awaitable<Result<ExternalClaims>> ExternalJwtVerifier::verify(const Jwt& token) {
    const auto alg = parse_algorithm(token.alg());
    if (!alg) co_return invalid("alg must be RS256 or ES256");
    const std::string kid(token.kid());
    auto refreshed = co_await refresh_for(Why::periodic);
    (void)refreshed;  // a failed fetch was logged; the keys already known still verify
    auto keys = candidates(kid, *alg);
    if (keys.empty() && !kid.empty() && !knows(kid)) {
        refreshed = co_await refresh_for(Why::unknown_kid);
        keys = candidates(kid, *alg);
    }
    if (keys.empty()) co_return invalid("no key of the identity provider matches kid and alg");
    const bool signed_ok = std::any_of(
        keys.begin(), keys.end(), [&](const Key& k) { return k.verify(*alg, token.signing_input, token.signature); });
    if (!signed_ok) co_return invalid("bad signature");
    const auto& claims = token.claims;
    if (get_string(claims, "iss") != std::optional<std::string_view>(settings_.issuer)) co_return invalid("wrong iss");
    if (!audience_matches(claims, settings_.audience)) co_return invalid("wrong aud");
    if (auto st = check_time_claims(claims, Clock::now()); !st) co_return invalid(st.error().message);
    auto sub = get_string(claims, "sub");
    if (!sub || sub->empty()) co_return invalid("sub is missing");
    ExternalClaims out;
    out.subject = std::string(*sub);
    if (auto role = get_string(claims, "role"); role && !role->empty()) out.roles.emplace_back(*role);
    if (const auto* roles = get_array(claims, "roles"))
        for (const auto& r : *roles)
            if (r.is_string() && !r.get_string().empty()) out.roles.emplace_back(r.get_string());
    if (const auto* tenant = find(claims, "tenant_id")) {
        if (!tenant->is_string() || tenant->get_string().empty()) co_return invalid("tenant_id must be a string");
        out.tenant_id = std::string(tenant->get_string());
    }
    co_return out;
}

}  // namespace hector::auth
