#include "hector/store/sql/sql_queue_store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include "hector/store/sql/row_codec.hpp"

namespace hector::store::sql {

namespace {

constexpr std::string_view kColumns =
    "task_id, app_id, kind, state, attempts, available_at, lease_owner, lease_expires_at, last_error, input_json, "
    "created_at";
const std::string kInsert =
    fmt::format("INSERT INTO task_queue ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", kColumns);
// The claim: the oldest available pending items become running under the caller's lease, in one statement.
const std::string kClaimPg = fmt::format(
    "UPDATE task_queue SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ? "
    "WHERE task_id IN (SELECT task_id FROM task_queue WHERE state = 'pending' AND available_at <= ? "
    "ORDER BY available_at, created_at LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING {}",
    kColumns);
const std::string kClaimSqlite = fmt::format(
    "UPDATE task_queue SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ? "
    "WHERE task_id IN (SELECT task_id FROM task_queue WHERE state = 'pending' AND available_at <= ? "
    "ORDER BY available_at, created_at LIMIT ?) RETURNING {}",
    kColumns);
const std::string kRenew =
    "UPDATE task_queue SET lease_expires_at = ? WHERE task_id = ? AND lease_owner = ? AND state = 'running'";
const std::string kReclaimPg = fmt::format(
    "UPDATE task_queue SET lease_owner = ?, lease_expires_at = ? "
    "WHERE task_id IN (SELECT task_id FROM task_queue WHERE state = 'running' AND lease_expires_at < ? "
    "LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING {}",
    kColumns);
const std::string kReclaimSqlite = fmt::format(
    "UPDATE task_queue SET lease_owner = ?, lease_expires_at = ? "
    "WHERE task_id IN (SELECT task_id FROM task_queue WHERE state = 'running' AND lease_expires_at < ? LIMIT ?) "
    "RETURNING {}",
    kColumns);
const std::string kReschedule =
    "UPDATE task_queue SET state = 'pending', kind = 'background', available_at = ?, lease_owner = NULL, "
    "lease_expires_at = NULL, last_error = CASE WHEN ? = '' THEN last_error ELSE ? END, "
    "attempts = CASE WHEN ? = 1 AND attempts > 0 THEN attempts - 1 ELSE attempts END WHERE task_id = ?";
const std::string kDelete = "DELETE FROM task_queue WHERE task_id = ?";
const std::string kSelect = fmt::format("SELECT {} FROM task_queue WHERE task_id = ?", kColumns);
const std::string kInsertLetter =
    "INSERT INTO dead_letters (id, task_id, app_id, error, failed_at, retry_count, input_json) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
const std::string kLetters =
    "SELECT id, task_id, app_id, error, failed_at, retry_count, input_json FROM dead_letters WHERE app_id = ? "
    "ORDER BY failed_at DESC, id LIMIT ?";
const std::string kLetter =
    "SELECT id, task_id, app_id, error, failed_at, retry_count, input_json FROM dead_letters WHERE id = ?";
const std::string kDeleteLetter = "DELETE FROM dead_letters WHERE id = ?";
const std::string kPurgeLetters = "DELETE FROM dead_letters WHERE failed_at < ?";
const std::string kDeleteAppItems = "DELETE FROM task_queue WHERE app_id = ?";
const std::string kDeleteAppLetters = "DELETE FROM dead_letters WHERE app_id = ?";

boost::json::value parse_input(const std::string& text) {
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    return ec ? boost::json::value() : v;
}

QueueItem item_from(const Row& r) {
    QueueItem q;
    q.task_id = r.text(0);
    q.app_id = r.text(1);
    q.kind = r.text(2) == "interactive" ? QueueItem::Kind::interactive : QueueItem::Kind::background;
    q.state = r.text(3) == "running" ? QueueItem::State::running : QueueItem::State::pending;
    q.attempts = static_cast<int>(r.integer(4));
    q.available_at = from_nanos(r.integer(5));
    q.lease_owner = r.text(6);
    if (!r.is_null(7)) q.lease_expires_at = from_nanos(r.integer(7));
    q.last_error = r.text(8);
    q.input = parse_input(r.text(9));
    q.created_at = from_nanos(r.integer(10));
    return q;
}

DeadLetter letter_from(const Row& r) {
    DeadLetter l;
    l.id = r.text(0);
    l.task_id = r.text(1);
    l.app_id = r.text(2);
    l.error = r.text(3);
    l.failed_at = from_nanos(r.integer(4));
    l.retry_count = static_cast<int>(r.integer(5));
    l.input = parse_input(r.text(6));
    return l;
}

Result<std::vector<QueueItem>> items_of(Result<QueryResult> r) {
    if (!r) return std::move(r).error();
    std::vector<QueueItem> out;
    for (const auto& row : r->rows) out.push_back(item_from(row));
    return out;
}

}  // namespace

Status insert_queue_row(Connection& c, const QueueItem& q) {
    Param lease_owner = q.lease_owner.empty() ? Param(nullptr) : Param(q.lease_owner);
    Param lease_expires = q.lease_expires_at == TimePoint{} ? Param(nullptr) : Param(to_nanos(q.lease_expires_at));
    auto r = c.run(kInsert, {q.task_id, q.app_id,
                             std::string(q.kind == QueueItem::Kind::interactive ? "interactive" : "background"),
                             std::string(q.state == QueueItem::State::running ? "running" : "pending"),
                             std::int64_t{q.attempts}, to_nanos(q.available_at), lease_owner, lease_expires,
                             q.last_error, boost::json::serialize(q.input), to_nanos(q.created_at)});
    if (!r) return std::move(r).error();
    return {};
}

boost::asio::awaitable<Status> SqlQueueStore::put(QueueItem q) {
    return db_.write<void>([this, q = std::move(q)](Connection& c) -> Status {
        if (auto st = insert_queue_row(c, q); !st) return st;
        if (q.state != QueueItem::State::pending || !q.announce) return {};
        return db_.signal(c, 'q', "");  // idle workers of other instances may take it
    });
}

boost::asio::awaitable<Result<std::vector<QueueItem>>> SqlQueueStore::claim(std::string owner, std::size_t max,
                                                                            TimePoint now, TimePoint lease_until) {
    return db_.write<std::vector<QueueItem>>(
        [owner = std::move(owner), max, now, lease_until](Connection& c) -> Result<std::vector<QueueItem>> {
            return claim_queue_rows(c, owner, max, now, lease_until);
        });
}

Result<std::vector<QueueItem>> claim_queue_rows(Connection& c, const std::string& owner, std::size_t max, TimePoint now,
                                                TimePoint lease_until) {
    const auto& sql = c.dialect() == Dialect::postgres ? kClaimPg : kClaimSqlite;
    return items_of(c.run(sql, {owner, to_nanos(lease_until), to_nanos(now), static_cast<std::int64_t>(max)}));
}

boost::asio::awaitable<Status> SqlQueueStore::renew(std::string owner, std::vector<std::string> task_ids,
                                                    TimePoint lease_until) {
    return db_.write<void>([owner = std::move(owner), ids = std::move(task_ids), lease_until](Connection& c) -> Status {
        for (const auto& id : ids) {
            auto r = c.run(kRenew, {to_nanos(lease_until), id, owner});
            if (!r) return std::move(r).error();
        }
        return {};
    });
}

boost::asio::awaitable<Result<std::vector<QueueItem>>> SqlQueueStore::reclaim_expired(std::string owner,
                                                                                      std::size_t max, TimePoint now,
                                                                                      TimePoint lease_until) {
    return db_.write<std::vector<QueueItem>>(
        [owner = std::move(owner), max, now, lease_until](Connection& c) -> Result<std::vector<QueueItem>> {
            const auto& sql = c.dialect() == Dialect::postgres ? kReclaimPg : kReclaimSqlite;
            return items_of(c.run(sql, {owner, to_nanos(lease_until), to_nanos(now), static_cast<std::int64_t>(max)}));
        });
}

boost::asio::awaitable<Status> SqlQueueStore::reschedule(std::string task_id, TimePoint available_at, std::string error,
                                                         bool refund) {
    return db_.write<void>(
        [this, id = std::move(task_id), available_at, error = std::move(error), refund](Connection& c) -> Status {
            auto r = c.run(kReschedule, {to_nanos(available_at), error, error, std::int64_t{refund ? 1 : 0}, id});
            if (!r) return std::move(r).error();
            if (r->affected == 0) return Error{Errc::not_found, "not queued"};
            return db_.signal(c, 'q', "");
        });
}

boost::asio::awaitable<Status> SqlQueueStore::remove(std::string task_id) {
    return db_.write<void>([id = std::move(task_id)](Connection& c) -> Status {
        auto r = c.run(kDelete, {id});
        if (!r) return std::move(r).error();
        return {};
    });
}

boost::asio::awaitable<Result<std::optional<QueueItem>>> SqlQueueStore::get(std::string task_id) {
    return db_.read<std::optional<QueueItem>>(
        [id = std::move(task_id)](Connection& c) -> Result<std::optional<QueueItem>> {
            auto r = c.run(kSelect, {id});
            if (!r) return std::move(r).error();
            if (r->rows.empty()) return std::optional<QueueItem>{};
            return std::optional<QueueItem>{item_from(r->rows.front())};
        });
}

Status end_queue_row(Connection& c, const std::string& task_id, const std::optional<DeadLetter>& letter) {
    if (auto r = c.run(kDelete, {task_id}); !r) return std::move(r).error();
    if (!letter) return {};
    const auto& l = *letter;
    auto r = c.run(kInsertLetter, {l.id, l.task_id, l.app_id, l.error, to_nanos(l.failed_at),
                                   std::int64_t{l.retry_count}, boost::json::serialize(l.input)});
    if (!r) return std::move(r).error();
    return {};
}

boost::asio::awaitable<Status> SqlQueueStore::bury(std::string task_id, DeadLetter l) {
    return db_.write<void>([id = std::move(task_id), l = std::optional<DeadLetter>(std::move(l))](Connection& c) {
        return end_queue_row(c, id, l);
    });
}

boost::asio::awaitable<Result<std::vector<DeadLetter>>> SqlQueueStore::dead_letters(std::string app_id,
                                                                                    std::size_t limit) {
    return db_.read<std::vector<DeadLetter>>(
        [app = std::move(app_id), limit](Connection& c) -> Result<std::vector<DeadLetter>> {
            auto r = c.run(kLetters, {app, static_cast<std::int64_t>(limit)});
            if (!r) return std::move(r).error();
            std::vector<DeadLetter> out;
            for (const auto& row : r->rows) out.push_back(letter_from(row));
            return out;
        });
}

boost::asio::awaitable<Result<std::optional<DeadLetter>>> SqlQueueStore::take_dead_letter(std::string id) {
    return db_.write<std::optional<DeadLetter>>(
        [id = std::move(id)](Connection& c) -> Result<std::optional<DeadLetter>> {
            auto r = c.run(kLetter, {id});
            if (!r) return std::move(r).error();
            if (r->rows.empty()) return std::optional<DeadLetter>{};
            auto letter = letter_from(r->rows.front());
            auto d = c.run(kDeleteLetter, {id});
            if (!d) return std::move(d).error();
            if (d->affected == 0) return std::optional<DeadLetter>{};  // requeued by someone else meanwhile
            return std::optional<DeadLetter>{std::move(letter)};
        });
}

boost::asio::awaitable<Result<std::size_t>> SqlQueueStore::purge_dead_letters_before(TimePoint cutoff) {
    return db_.write<std::size_t>([cutoff](Connection& c) -> Result<std::size_t> {
        auto r = c.run(kPurgeLetters, {to_nanos(cutoff)});
        if (!r) return std::move(r).error();
        return static_cast<std::size_t>(r->affected);
    });
}

boost::asio::awaitable<Status> SqlQueueStore::remove_app(std::string app_id) {
    return db_.write<void>([app = std::move(app_id)](Connection& c) -> Status {
        if (auto r = c.run(kDeleteAppItems, {app}); !r) return std::move(r).error();
        if (auto r = c.run(kDeleteAppLetters, {app}); !r) return std::move(r).error();
        return {};
    });
}

}  // namespace hector::store::sql
