#include "hector/store/sql/sql_queue_store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "hector/store/sql/row_codec.hpp"

namespace hector::store::sql {

namespace {

constexpr std::string_view kColumns =
    "task_id, app_id, kind, state, attempts, available_at, lease_owner, lease_expires_at, last_error, input_json, "
    "created_at, context_id";
const std::string kInsert =
    fmt::format("INSERT INTO task_queue ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", kColumns);
// The claim: the oldest available pending items become running under the caller's lease, in one statement. An
// item is skipped while its conversation has a running item or an older pending one (DECISIONS 20). The check is
// one probe of task_queue_by_context per candidate, so the claim stays an ordered scan of task_queue_claim that
// stops at the limit. On PostgreSQL it is race-free across instances: an older item of the conversation that
// another claimer has locked is still pending in this statement's snapshot, so its successors wait.
// available_at of rows no claim may take (they scan available rows only): interactive runs waiting for their turn,
// and parked jobs (kInsertPending). The largest BIGINT.
constexpr std::string_view kParked = "9223372036854775807";

constexpr std::string_view kClaimable =
    "q.state = 'pending' AND q.available_at <= ? AND (q.context_id = '' OR NOT EXISTS (SELECT 1 FROM task_queue o "
    "WHERE o.app_id = q.app_id AND o.context_id = q.context_id AND o.task_id <> q.task_id AND (o.state = 'running' "
    "OR o.created_at < q.created_at OR (o.created_at = q.created_at AND o.task_id < q.task_id))))";
// On PostgreSQL the chosen ids are an array computed once (= ANY (ARRAY(...))), then updated by primary key: with
// `IN (subquery)`, generic plans (which cannot see the LIMIT) joined the ids against a scan of the whole queue.
const std::string kClaimPg = fmt::format(
    "UPDATE task_queue SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ? "
    "WHERE task_id = ANY (ARRAY(SELECT q.task_id FROM task_queue q WHERE {} "
    "ORDER BY q.available_at, q.created_at LIMIT ? FOR UPDATE SKIP LOCKED)) RETURNING {}",
    kClaimable, kColumns);
const std::string kClaimSqlite = fmt::format(
    "UPDATE task_queue SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ? "
    "WHERE task_id IN (SELECT q.task_id FROM task_queue q WHERE {} "
    "ORDER BY q.available_at, q.created_at LIMIT ?) RETURNING {}",
    kClaimable, kColumns);
// Leases of running rows and of interactive runs waiting for their turn (QueueStore::take_turn).
const std::string kRenew = "UPDATE task_queue SET lease_expires_at = ? WHERE task_id = ? AND lease_owner = ?";
// An interactive run's row: running, unless its conversation already has a row (an older run or job, here or on
// another instance); then pending, leased to its instance, never available to claims (available_at is the largest
// time), until take_turn.
// For an insert: `waits.w`, whether the conversation (app, context, context again) already has a row.
constexpr const char* kConversationHasRow =
    "(SELECT EXISTS (SELECT 1 FROM task_queue o WHERE o.app_id = ? AND o.context_id = ? AND ? <> '') AS w) AS waits";
const std::string kInsertInteractive = fmt::format(
    "INSERT INTO task_queue ({}) SELECT ?, ?, 'interactive', CASE WHEN waits.w THEN 'pending' ELSE 'running' END, ?, "
    "CASE WHEN waits.w THEN {} ELSE ? END, ?, ?, ?, ?, ?, ? FROM {} RETURNING state",
    kColumns, kParked, kConversationHasRow);
// Held to the end of the transaction (PostgreSQL only).
const std::string kLockConversation = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";
const std::string kTakeTurn =
    "UPDATE task_queue SET state = 'running', available_at = ?, lease_owner = ?, lease_expires_at = ? "
    "WHERE task_id = ? AND state = 'pending' AND kind = 'interactive' AND NOT EXISTS (SELECT 1 FROM task_queue o "
    "WHERE o.app_id = task_queue.app_id AND o.context_id = task_queue.context_id AND o.task_id <> task_queue.task_id "
    "AND (o.state = 'running' OR o.created_at < task_queue.created_at OR (o.created_at = task_queue.created_at AND "
    "o.task_id < task_queue.task_id)))";
const std::string kQueued = "SELECT state FROM task_queue WHERE task_id = ?";
// A pending job whose conversation already has a row is parked: available_at is the largest time, so claims,
// which scan the available rows in order, never read it while it waits (a backlog of thousands in one
// conversation would otherwise be read by every claim). The end of the row before it unparks it (available from
// its creation, so it keeps its place); release_parked() unparks what a race between an insert and that end left
// parked (on PostgreSQL, the ending transaction does not see a row inserted concurrently).
const std::string kInsertPending = fmt::format(
    "INSERT INTO task_queue ({}) SELECT ?, ?, ?, 'pending', ?, CASE WHEN waits.w THEN {} ELSE ? END, ?, ?, ?, ?, ?, ? "
    "FROM {}",
    kColumns, kParked, kConversationHasRow);
const std::string kUnparkNext = fmt::format(
    "UPDATE task_queue SET available_at = created_at WHERE task_id = (SELECT task_id FROM task_queue WHERE app_id = ? "
    "AND context_id = ? AND state = 'pending' AND kind = 'background' ORDER BY created_at, task_id LIMIT 1) AND "
    "available_at = {}",
    kParked);
const std::string kReleaseParked = fmt::format(
    "UPDATE task_queue SET available_at = created_at WHERE state = 'pending' AND kind = 'background' AND "
    "available_at = {} AND NOT EXISTS (SELECT 1 FROM task_queue o WHERE o.app_id = "
    "task_queue.app_id AND o.context_id = task_queue.context_id AND o.task_id <> task_queue.task_id AND "
    "(o.created_at < task_queue.created_at OR (o.created_at = task_queue.created_at AND o.task_id < "
    "task_queue.task_id)))",
    kParked);
const std::string kDropPending =
    "DELETE FROM task_queue WHERE task_id = ? AND state = 'pending' AND kind = 'background' "
    "RETURNING app_id, context_id";
const std::string kReclaimPg = fmt::format(
    "UPDATE task_queue SET lease_owner = ?, lease_expires_at = ? "
    "WHERE task_id = ANY (ARRAY(SELECT task_id FROM task_queue WHERE state IN ('running', 'pending') AND "
    "lease_expires_at < ? LIMIT ? FOR UPDATE SKIP LOCKED)) RETURNING {}",
    kColumns);
const std::string kReclaimSqlite = fmt::format(
    "UPDATE task_queue SET lease_owner = ?, lease_expires_at = ? "
    "WHERE task_id IN (SELECT task_id FROM task_queue WHERE state IN ('running', 'pending') AND "
    "lease_expires_at < ? LIMIT ?) RETURNING {}",
    kColumns);
const std::string kReschedule =
    "UPDATE task_queue SET state = 'pending', kind = 'background', available_at = ?, lease_owner = NULL, "
    "lease_expires_at = NULL, last_error = CASE WHEN ? = '' THEN last_error ELSE ? END, "
    "attempts = CASE WHEN ? = 1 AND attempts > 0 THEN attempts - 1 ELSE attempts END WHERE task_id = ?";
// Deleting a row tells whether a job of its conversation waits (and may now be claimed): one statement on
// PostgreSQL (its CTE's DELETE is not visible to the outer query, so the row itself is excluded by id), two on
// SQLite.
const std::string kDeletePg =
    "WITH gone AS (DELETE FROM task_queue WHERE task_id = ? RETURNING app_id, context_id) "
    "SELECT g.app_id, g.context_id FROM gone g WHERE g.context_id <> '' AND EXISTS (SELECT 1 FROM task_queue q "
    "WHERE q.app_id = g.app_id AND q.context_id = g.context_id AND q.state = 'pending' AND q.task_id <> ?)";
const std::string kDeleteSqlite = "DELETE FROM task_queue WHERE task_id = ? RETURNING app_id, context_id";
const std::string kWaitingInContext =
    "SELECT COUNT(*) FROM task_queue WHERE app_id = ? AND context_id = ? AND state = 'pending'";
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
    // Our own text, nested as deep as the message it carries.
    auto v = parse_json(text, kOwnJsonDepth);
    return v ? std::move(v).value() : boost::json::value();
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
    q.input = r.text(9);
    q.created_at = from_nanos(r.integer(10));
    q.context_id = r.text(11);
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

// After a row of the conversation (app_id, context_id) left: whether a pending row of it waits, and if so the next
// job is out of the parking.
Result<bool> let_next_in(Connection& c, const std::string& app_id, const std::string& context_id) {
    if (context_id.empty()) return false;
    auto w = c.run(kWaitingInContext, {app_id, context_id});
    if (!w) return std::move(w).error();
    if (w->rows.empty() || w->rows.front().integer(0) == 0) return false;
    if (auto u = c.run(kUnparkNext, {app_id, context_id}); !u) return std::move(u).error();
    return true;
}

Result<std::vector<QueueItem>> items_of(Result<QueryResult> r) {
    if (!r) return std::move(r).error();
    std::vector<QueueItem> out;
    for (const auto& row : r->rows) out.push_back(item_from(row));
    return out;
}

// Two rows of one conversation inserted at once on two instances would each miss the other's uncommitted row: two
// interactive runs would both run, or a job put beside an interactive run's insert could be claimed while that run
// is still uncommitted. With the conversation's lock the second insert waits for the first's commit; its own
// statement, a new one, then sees the first's row (SQLite has one writer). Held to the end of the transaction.
Status lock_conversation(Connection& c, const QueueItem& q) {
    if (c.dialect() != Dialect::postgres || q.context_id.empty()) return {};
    if (auto l = c.run(kLockConversation, {q.app_id + "\n" + q.context_id}); !l) return std::move(l).error();
    return {};
}

}  // namespace

std::string encode_queue_input(const QueueItem& item) {
    return item.input;
}

Status insert_queue_row(Connection& c, const QueueItem& q, const std::string& input) {
    if (auto st = lock_conversation(c, q); !st) return st;
    if (q.state == QueueItem::State::pending && q.kind == QueueItem::Kind::background) {
        auto r = c.run(kInsertPending, {q.task_id, q.app_id, std::string("background"), std::int64_t{q.attempts},
                                        to_nanos(q.available_at), Param(nullptr), Param(nullptr), q.last_error, input,
                                        to_nanos(q.created_at), q.context_id, q.app_id, q.context_id, q.context_id});
        if (!r) return std::move(r).error();
        return {};
    }
    Param lease_owner = q.lease_owner.empty() ? Param(nullptr) : Param(q.lease_owner);
    Param lease_expires = q.lease_expires_at == TimePoint{} ? Param(nullptr) : Param(to_nanos(q.lease_expires_at));
    auto r = c.run(kInsert, {q.task_id, q.app_id,
                             std::string(q.kind == QueueItem::Kind::interactive ? "interactive" : "background"),
                             std::string(q.state == QueueItem::State::running ? "running" : "pending"),
                             std::int64_t{q.attempts}, to_nanos(q.available_at), lease_owner, lease_expires,
                             q.last_error, input, to_nanos(q.created_at), q.context_id});
    if (!r) return std::move(r).error();
    return {};
}

Result<bool> insert_interactive_row(Connection& c, const QueueItem& q, const std::string& input) {
    if (auto st = lock_conversation(c, q); !st) return std::move(st).error();
    auto r = c.run(kInsertInteractive, {q.task_id, q.app_id, std::int64_t{q.attempts}, to_nanos(q.available_at),
                                        q.lease_owner, to_nanos(q.lease_expires_at), q.last_error, input,
                                        to_nanos(q.created_at), q.context_id, q.app_id, q.context_id, q.context_id});
    if (!r) return std::move(r).error();
    return !r->rows.empty() && r->rows.front().text(0) == "running";
}

boost::asio::awaitable<Result<bool>> SqlQueueStore::drop_pending(std::string task_id) {
    return db_.write<bool>([this, id = std::move(task_id)](Connection& c) -> Result<bool> {
        auto r = c.run(kDropPending, {id});
        if (!r) return std::move(r).error();
        if (r->rows.empty()) return false;
        auto next = let_next_in(c, r->rows.front().text(0), r->rows.front().text(1));
        if (!next || !*next) return next;
        if (auto st = db_.signal(c, 'q', ""); !st) return st.error();
        return true;
    });
}

boost::asio::awaitable<Result<std::size_t>> SqlQueueStore::release_parked() {
    return db_.write<std::size_t>([](Connection& c) -> Result<std::size_t> {
        auto r = c.run(kReleaseParked);
        if (!r) return std::move(r).error();
        return static_cast<std::size_t>(r->affected);
    });
}

boost::asio::awaitable<Result<bool>> SqlQueueStore::take_turn(std::string task_id, std::string owner,
                                                              TimePoint lease_until) {
    return db_.write<bool>(
        [id = std::move(task_id), owner = std::move(owner), lease_until](Connection& c) -> Result<bool> {
            auto r = c.run(kTakeTurn, {to_nanos(Clock::now()), owner, to_nanos(lease_until), id});
            if (!r) return std::move(r).error();
            if (r->affected > 0) return true;
            auto q = c.run(kQueued, {id});
            if (!q) return std::move(q).error();
            if (q->rows.empty()) return Error{Errc::not_found, "not queued"};
            return q->rows.front().text(0) == "running";
        });
}

boost::asio::awaitable<Status> SqlQueueStore::put(QueueItem q) {
    auto input = encode_queue_input(q);
    return db_.write<void>([this, q = std::move(q), input = std::move(input)](Connection& c) -> Status {
        if (auto st = insert_queue_row(c, q, input); !st) return st;
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
    auto items = items_of(c.run(sql, {owner, to_nanos(lease_until), to_nanos(now), static_cast<std::int64_t>(max)}));
    // RETURNING follows the rows' physical order: the caller gets them in claim order, oldest first.
    if (items)
        std::sort(items->begin(), items->end(), [](const QueueItem& a, const QueueItem& b) {
            return std::tie(a.available_at, a.created_at, a.task_id) <
                   std::tie(b.available_at, b.created_at, b.task_id);
        });
    return items;
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
    return db_.write<void>([this, id = std::move(task_id)](Connection& c) -> Status {
        auto ended = end_queue_row(c, id, std::nullopt);
        if (!ended) return std::move(ended).error();
        return *ended ? db_.signal(c, 'q', "") : Status{};
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

Result<bool> end_queue_row(Connection& c, const std::string& task_id, const std::optional<DeadLetter>& letter) {
    bool waiting = false;
    if (c.dialect() == Dialect::postgres) {
        // One round trip tells whether the conversation has a pending row; only then is the next one unparked.
        auto r = c.run(kDeletePg, {task_id, task_id});
        if (!r) return std::move(r).error();
        if (!r->rows.empty()) {
            waiting = true;
            if (auto u = c.run(kUnparkNext, {r->rows.front().text(0), r->rows.front().text(1)}); !u)
                return std::move(u).error();
        }
    } else {
        auto r = c.run(kDeleteSqlite, {task_id});
        if (!r) return std::move(r).error();
        if (!r->rows.empty()) {
            auto next = let_next_in(c, r->rows.front().text(0), r->rows.front().text(1));
            if (!next) return std::move(next).error();
            waiting = *next;
        }
    }
    if (!letter) return waiting;
    const auto& l = *letter;
    auto r = c.run(kInsertLetter, {l.id, l.task_id, l.app_id, l.error, to_nanos(l.failed_at),
                                   std::int64_t{l.retry_count}, hector::to_json(l.input)});
    if (!r) return std::move(r).error();
    return waiting;
}

boost::asio::awaitable<Status> SqlQueueStore::bury(std::string task_id, DeadLetter l) {
    return db_.write<void>(
        [this, id = std::move(task_id), l = std::optional<DeadLetter>(std::move(l))](Connection& c) -> Status {
            auto ended = end_queue_row(c, id, l);
            if (!ended) return std::move(ended).error();
            return *ended ? db_.signal(c, 'q', "") : Status{};
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
