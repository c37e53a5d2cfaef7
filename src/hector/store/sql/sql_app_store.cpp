#include "hector/store/sql/sql_app_store.hpp"

#include <algorithm>

#include "hector/store/sql/row_codec.hpp"

namespace hector::store::sql {

namespace {

namespace asio = boost::asio;

constexpr std::string_view kAppColumns = "id, name, config_json, token_version, created_at, updated_at";
const std::string kListApps = "SELECT " + std::string(kAppColumns) + " FROM apps ORDER BY created_at, id";
const std::string kSelectApp = "SELECT " + std::string(kAppColumns) + " FROM apps WHERE id = ?";
const std::string kInsertApp =
    "INSERT INTO apps (id, name, config_json, token_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO NOTHING";
// updated_at never goes backwards, even when clocks of two instances disagree a little.
const std::string kUpdateApp =
    "UPDATE apps SET name = COALESCE(?, name), config_json = COALESCE(?, config_json), "
    "updated_at = CASE WHEN updated_at > ? THEN updated_at ELSE ? END WHERE id = ? RETURNING " +
    std::string(kAppColumns);
const std::string kBumpVersion =
    "UPDATE apps SET token_version = token_version + 1 WHERE id = ? RETURNING " + std::string(kAppColumns);
const std::string kDeleteApp = "DELETE FROM apps WHERE id = ?";

constexpr std::string_view kKeyColumns = "kid, algorithm, private_pem, public_jwk, created_at, retired_at";
const std::string kListKeys =
    "SELECT " + std::string(kKeyColumns) + " FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at, kid";
const std::string kSelectKey = "SELECT " + std::string(kKeyColumns) + " FROM signing_keys WHERE kid = ?";
const std::string kInsertKey =
    "INSERT INTO signing_keys (kid, algorithm, private_pem, public_jwk, created_at, retired_at) "
    "VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (kid) DO NOTHING";

Error app_not_found() {
    return Error{Errc::not_found, "app not found"};
}

AppRecord app_from_row(const Row& row) {
    AppRecord r;
    r.id = row.text(0);
    r.name = row.text(1);
    r.config_json = row.text(2);
    r.token_version = row.integer(3);
    r.created_at = from_nanos(row.integer(4));
    r.updated_at = from_nanos(row.integer(5));
    return r;
}

SigningKeyRecord key_from_row(const Row& row) {
    SigningKeyRecord r;
    r.kid = row.text(0);
    r.algorithm = row.text(1);
    r.private_pem = row.text(2);
    r.public_jwk = row.text(3);
    r.created_at = from_nanos(row.integer(4));
    if (!row.is_null(5)) r.retired_at = from_nanos(row.integer(5));
    return r;
}

Param optional_text(const std::optional<std::string>& v) {
    if (v) return *v;
    return nullptr;
}

Result<AppRecord> single_app(Result<QueryResult> r) {
    if (!r) return std::move(r).error();
    if (r->rows.empty()) return app_not_found();
    return app_from_row(r->rows.front());
}

}  // namespace

asio::awaitable<Result<std::vector<AppRecord>>> SqlAppStore::list() {
    return db_.read<std::vector<AppRecord>>([](Connection& c) -> Result<std::vector<AppRecord>> {
        auto r = c.run(kListApps);
        if (!r) return std::move(r).error();
        std::vector<AppRecord> out;
        out.reserve(r->rows.size());
        for (const auto& row : r->rows) out.push_back(app_from_row(row));
        return out;
    });
}

asio::awaitable<Result<AppRecord>> SqlAppStore::get(std::string id) {
    return db_.read<AppRecord>([id = std::move(id)](Connection& c) { return single_app(c.run(kSelectApp, {id})); });
}

asio::awaitable<Result<AppRecord>> SqlAppStore::create(AppRecord record) {
    return db_.write<AppRecord>([record = std::move(record)](Connection& c) mutable -> Result<AppRecord> {
        if (record.created_at == TimePoint{}) record.created_at = Clock::now();
        if (record.updated_at == TimePoint{}) record.updated_at = record.created_at;
        auto r = c.run(kInsertApp, {record.id, record.name, record.config_json, record.token_version,
                                    to_nanos(record.created_at), to_nanos(record.updated_at)});
        if (!r) return std::move(r).error();
        if (r->affected == 0) return Error{Errc::conflict, "an app with this id exists"};
        return record;
    });
}

asio::awaitable<Result<AppRecord>> SqlAppStore::update(std::string id, AppUpdate update) {
    return db_.write<AppRecord>([id = std::move(id), update = std::move(update)](Connection& c) {
        const auto now = to_nanos(Clock::now());
        return single_app(
            c.run(kUpdateApp, {optional_text(update.name), optional_text(update.config_json), now, now, id}));
    });
}

asio::awaitable<Status> SqlAppStore::remove(std::string id) {
    return db_.write<void>([id = std::move(id)](Connection& c) -> Status {
        auto r = c.run(kDeleteApp, {id});
        if (!r) return std::move(r).error();
        if (r->affected == 0) return app_not_found();
        return {};
    });
}

asio::awaitable<Result<AppRecord>> SqlAppStore::bump_token_version(std::string id) {
    return db_.write<AppRecord>([id = std::move(id)](Connection& c) { return single_app(c.run(kBumpVersion, {id})); });
}

asio::awaitable<Result<std::vector<SigningKeyRecord>>> SqlSigningKeyStore::list_active() {
    return db_.read<std::vector<SigningKeyRecord>>([](Connection& c) -> Result<std::vector<SigningKeyRecord>> {
        auto r = c.run(kListKeys);
        if (!r) return std::move(r).error();
        std::vector<SigningKeyRecord> out;
        for (const auto& row : r->rows) out.push_back(key_from_row(row));
        return out;
    });
}

asio::awaitable<Result<SigningKeyRecord>> SqlSigningKeyStore::get(std::string kid) {
    return db_.read<SigningKeyRecord>([kid = std::move(kid)](Connection& c) -> Result<SigningKeyRecord> {
        auto r = c.run(kSelectKey, {kid});
        if (!r) return std::move(r).error();
        if (r->rows.empty()) return Error{Errc::not_found, "signing key not found"};
        return key_from_row(r->rows.front());
    });
}

asio::awaitable<Result<SigningKeyRecord>> SqlSigningKeyStore::create(SigningKeyRecord record) {
    return db_.write<SigningKeyRecord>([record = std::move(record)](Connection& c) -> Result<SigningKeyRecord> {
        const auto created = record.created_at == TimePoint{} ? Clock::now() : record.created_at;
        auto r =
            c.run(kInsertKey, {record.kid, record.algorithm, record.private_pem, record.public_jwk, to_nanos(created)});
        if (!r) return std::move(r).error();
        // Whether this insert won or another instance's did, the stored key is the one to use.
        auto stored = c.run(kSelectKey, {record.kid});
        if (!stored) return std::move(stored).error();
        if (stored->rows.empty()) return Error{Errc::internal, "signing key vanished after insert"};
        return key_from_row(stored->rows.front());
    });
}

}  // namespace hector::store::sql
