#include "hector/store/file/file_key_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "hector/common/ids.hpp"
#include "hector/common/json.hpp"
#include "hector/net/io.hpp"

namespace hector::store {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSuffix = ".json";

// Kids become file names: only a conservative alphabet is accepted.
bool safe_kid(std::string_view kid) {
    if (kid.empty() || kid.size() > 64) return false;
    return std::all_of(kid.begin(), kid.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

std::string encode(const SigningKeyRecord& r) {
    json::object o;
    o["kid"] = r.kid;
    o["algorithm"] = r.algorithm;
    o["private_pem"] = r.private_pem;
    o["public_jwk"] = r.public_jwk;
    o["created_at"] = std::chrono::duration_cast<std::chrono::nanoseconds>(r.created_at.time_since_epoch()).count();
    if (r.retired_at)
        o["retired_at"] =
            std::chrono::duration_cast<std::chrono::nanoseconds>(r.retired_at->time_since_epoch()).count();
    return to_json(o);
}

Result<SigningKeyRecord> decode(const std::string& text, const fs::path& file) {
    auto damaged = [&](std::string_view why) {
        return Error{Errc::io_error, fmt::format("signing key file {}: {}", file.string(), why)};
    };
    auto v = parse_json(text);
    if (!v || !v->is_object()) return damaged("not a JSON object");
    const auto& o = v->get_object();
    SigningKeyRecord r;
    auto kid = get_string(o, "kid");
    auto alg = get_string(o, "algorithm");
    auto pem = get_string(o, "private_pem");
    auto jwk = get_string(o, "public_jwk");
    auto created = get_int(o, "created_at");
    if (!kid || !alg || !pem || !jwk || !created) return damaged("missing fields");
    r.kid = std::string(*kid);
    r.algorithm = std::string(*alg);
    r.private_pem = std::string(*pem);
    r.public_jwk = std::string(*jwk);
    r.created_at = TimePoint{} + std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(*created));
    if (auto retired = get_int(o, "retired_at"))
        r.retired_at = TimePoint{} + std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(*retired));
    return r;
}

Result<std::string> read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error{Errc::not_found, "signing key not found"};
    std::stringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return Error{Errc::io_error, fmt::format("cannot read {}", file.string())};
    return ss.str();
}

Error errno_error(std::string_view what, const fs::path& p) {
    return Error{Errc::io_error, fmt::format("{} {}: {}", what, p.string(), std::strerror(errno))};
}

// Writes text to a fresh 0600 file.
Status write_private(const fs::path& file, const std::string& text) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return errno_error("cannot create", file);
    std::size_t done = 0;
    while (done < text.size()) {
        auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            auto err = errno_error("cannot write", file);
            ::close(fd);
            return err;
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) return errno_error("cannot write", file);
    return {};
}

}  // namespace

FileSigningKeyStore::FileSigningKeyStore(fs::path dir, boost::asio::thread_pool& blocking)
    : dir_(std::move(dir)), blocking_(blocking) {}

Result<std::vector<SigningKeyRecord>> FileSigningKeyStore::list_active_blocking() const {
    std::vector<SigningKeyRecord> out;
    std::error_code ec;
    if (!fs::exists(dir_, ec)) return out;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
        const auto& p = it->path();
        const auto name = p.filename().string();
        if (!name.ends_with(kSuffix) || !safe_kid(name.substr(0, name.size() - kSuffix.size()))) continue;
        auto text = read_file(p);
        if (!text) return std::move(text).error();
        auto rec = decode(*text, p);
        if (!rec) return std::move(rec).error();
        if (!rec->retired_at) out.push_back(std::move(rec).value());
    }
    if (ec) return Error{Errc::io_error, fmt::format("cannot list {}: {}", dir_.string(), ec.message())};
    std::sort(out.begin(), out.end(), [](const SigningKeyRecord& a, const SigningKeyRecord& b) {
        if (a.created_at != b.created_at) return a.created_at < b.created_at;
        return a.kid < b.kid;
    });
    return out;
}

Result<SigningKeyRecord> FileSigningKeyStore::get_blocking(const std::string& kid) const {
    if (!safe_kid(kid)) return Error{Errc::not_found, "signing key not found"};
    const auto file = dir_ / (kid + std::string(kSuffix));
    auto text = read_file(file);
    if (!text) return std::move(text).error();
    return decode(*text, file);
}

Result<SigningKeyRecord> FileSigningKeyStore::create_blocking(SigningKeyRecord record) const {
    if (!safe_kid(record.kid)) return Error{Errc::invalid_argument, "signing key id has unsafe characters"};
    if (record.created_at == TimePoint{}) record.created_at = Clock::now();
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return Error{Errc::io_error, fmt::format("cannot create {}: {}", dir_.string(), ec.message())};
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace, ec);
    const auto final_path = dir_ / (record.kid + std::string(kSuffix));
    const auto temp_path = dir_ / ("." + record.kid + "." + new_alnum_id(12) + ".tmp");
    if (auto st = write_private(temp_path, encode(record)); !st) {
        fs::remove(temp_path, ec);
        return std::move(st).error();
    }
    // link() refuses to replace an existing file: the first creator of a kid wins, atomically.
    const int linked = ::link(temp_path.c_str(), final_path.c_str());
    const int link_errno = errno;
    fs::remove(temp_path, ec);
    if (linked != 0 && link_errno != EEXIST) {
        errno = link_errno;
        return errno_error("cannot store", final_path);
    }
    return get_blocking(record.kid);
}

boost::asio::awaitable<Result<std::vector<SigningKeyRecord>>> FileSigningKeyStore::list_active() {
    auto job = [this] { return std::optional(list_active_blocking()); };
    auto out = co_await net::run_blocking(blocking_, job);
    co_return std::move(*out);
}

boost::asio::awaitable<Result<SigningKeyRecord>> FileSigningKeyStore::get(std::string kid) {
    auto job = [this, &kid] { return std::optional(get_blocking(kid)); };
    auto out = co_await net::run_blocking(blocking_, job);
    co_return std::move(*out);
}

boost::asio::awaitable<Result<SigningKeyRecord>> FileSigningKeyStore::create(SigningKeyRecord record) {
    auto job = [this, &record] { return std::optional(create_blocking(record)); };
    auto out = co_await net::run_blocking(blocking_, job);
    co_return std::move(*out);
}

}  // namespace hector::store
