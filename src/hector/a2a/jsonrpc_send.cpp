// parse_send_request(): the common message/send and message/stream request read in one pass with a Boost.JSON SAX
// handler. It accepts a strict subset of what parse_request() + parse_send_params() accept and declines the rest.
#include <boost/json/basic_parser_impl.hpp>

#include <array>
#include <climits>
#include <cstdint>

#include "hector/a2a/jsonrpc.hpp"
#include "hector/common/ids.hpp"
#include "hector/common/sax_handler.hpp"
#include "hector/common/strings.hpp"

namespace hector::a2a {

namespace {

// Where the reader is: the object or array it is in.
enum class Where : std::uint8_t { top, params, message, parts, part, configuration, modes };

// The members it knows. Each singleton object's members have their own bit in `seen_`, a part's in `part_seen_`,
// so a member given twice (which the general path would resolve one way or the other) is declined.
enum Member : std::uint32_t {
    kNone = 0,
    kJsonrpc = 1u << 0,
    kId = 1u << 1,
    kMethod = 1u << 2,
    kParams = 1u << 3,
    kMessage = 1u << 4,
    kConfiguration = 1u << 5,
    kRole = 1u << 6,
    kParts = 1u << 7,
    kMessageId = 1u << 8,
    kContextId = 1u << 9,
    kTaskId = 1u << 10,
    kKind = 1u << 11,
    kBlocking = 1u << 12,
    kHistoryLength = 1u << 13,
    kOutputModes = 1u << 14,
    // a part's
    kPartKind = 1u << 20,
    kPartType = 1u << 21,
    kPartText = 1u << 22,
};

Member member_of(Where where, std::string_view key) {
    switch (where) {
        case Where::top:
            if (key == "jsonrpc") return kJsonrpc;
            if (key == "id") return kId;
            if (key == "method") return kMethod;
            if (key == "params") return kParams;
            break;
        case Where::params:
            if (key == "message") return kMessage;
            if (key == "configuration") return kConfiguration;
            break;
        case Where::message:
            if (key == "role") return kRole;
            if (key == "parts") return kParts;
            if (key == "messageId") return kMessageId;
            if (key == "contextId") return kContextId;
            if (key == "taskId") return kTaskId;
            if (key == "kind") return kKind;
            break;
        case Where::part:
            if (key == "kind") return kPartKind;
            if (key == "type") return kPartType;
            if (key == "text") return kPartText;
            break;
        case Where::configuration:
            if (key == "blocking") return kBlocking;
            if (key == "historyLength") return kHistoryLength;
            if (key == "acceptedOutputModes") return kOutputModes;
            break;
        case Where::parts:
        case Where::modes:
            break;
    }
    return kNone;
}

class SendReader : public SaxHandlerBase {
  public:
    explicit SendReader(const Limits& limits) : limits_(limits) {}

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return enter(true); }
    bool on_object_end(std::size_t, error_code&) {
        // A part ends: it must have had its text (the general path requires it of a text part).
        if (depth_ > 0 && stack_[depth_ - 1] == Where::part && (part_seen_ & kPartText) == 0) return false;
        --depth_;
        return true;
    }
    bool on_array_begin(error_code&) { return enter(false); }
    bool on_array_end(std::size_t, error_code&) {
        --depth_;
        return true;
    }
    bool on_key_part(string_view s, std::size_t, error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_key(string_view s, std::size_t, error_code&) {
        const std::string_view key = whole(s);
        member_ = member_of(stack_[depth_ - 1], key);
        part_.clear();
        if (member_ == kNone) return false;
        std::uint32_t& seen = stack_[depth_ - 1] == Where::part ? part_seen_ : seen_;
        if ((seen & member_) != 0) return false;
        seen |= member_;
        return true;
    }
    bool on_string_part(string_view s, std::size_t, error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_string(string_view s, std::size_t, error_code&) {
        const bool ok = string(whole(s));
        part_.clear();
        return ok;
    }
    bool on_number_part(string_view, error_code&) { return true; }
    bool on_int64(std::int64_t v, string_view, error_code&) {
        if (in(Where::top) && member_ == kId) return set_id(json::value(v));
        if (in(Where::configuration) && member_ == kHistoryLength && v >= 0 && v <= INT_MAX) {
            out_.params.configuration.history_length = static_cast<int>(v);
            return true;
        }
        return false;
    }
    bool on_uint64(std::uint64_t v, string_view, error_code&) {
        return in(Where::top) && member_ == kId && set_id(json::value(v));
    }
    bool on_double(double, string_view, error_code&) { return false; }
    bool on_bool(bool b, error_code&) {
        if (!in(Where::configuration) || member_ != kBlocking) return false;
        out_.params.configuration.blocking = b;
        return true;
    }
    bool on_null(error_code&) { return in(Where::top) && member_ == kId && set_id(json::value(nullptr)); }
    bool on_comment_part(string_view, error_code&) { return false; }
    bool on_comment(string_view, error_code&) { return false; }

    /// The request, once the document is whole: nullopt unless every required member came.
    std::optional<ParsedSend> finish() {
        constexpr std::uint32_t required = kJsonrpc | kMethod | kParams | kMessage | kRole | kParts;
        if ((seen_ & required) != required || out_.params.message.parts.empty()) return std::nullopt;
        out_.rpc.params = json::object();
        if (out_.params.message.message_id.empty()) out_.params.message.message_id = new_ordered_uuid();
        return std::move(out_);
    }

  private:
    std::string_view whole(string_view s) {
        if (part_.empty()) return {s.data(), s.size()};
        part_.append(s.data(), s.size());
        return part_;
    }
    bool in(Where w) const { return depth_ > 0 && stack_[depth_ - 1] == w; }

    bool enter(bool object) {
        if (depth_ == stack_.size()) return false;
        Where next;
        if (depth_ == 0) {
            if (!object) return false;
            next = Where::top;
        } else {
            const Where here = stack_[depth_ - 1];
            if (here == Where::top && member_ == kParams && object) {
                next = Where::params;
            } else if (here == Where::params && member_ == kMessage && object) {
                next = Where::message;
            } else if (here == Where::params && member_ == kConfiguration && object) {
                next = Where::configuration;
            } else if (here == Where::message && member_ == kParts && !object) {
                next = Where::parts;
            } else if (here == Where::parts && object) {
                auto& parts = out_.params.message.parts;
                if (parts.size() >= limits_.max_parts) return false;
                parts.emplace_back();
                part_seen_ = 0;
                next = Where::part;
            } else if (here == Where::configuration && member_ == kOutputModes && !object) {
                next = Where::modes;
            } else {
                return false;
            }
        }
        stack_[depth_++] = next;
        return true;
    }

    bool set_id(json::value id) {
        out_.rpc.id = std::move(id);
        out_.rpc.has_id = true;
        return true;
    }

    bool string(std::string_view s) {
        auto& m = out_.params.message;
        const std::size_t max_id = limits_.max_id_length;
        switch (depth_ > 0 ? stack_[depth_ - 1] : Where::top) {
            case Where::top:
                if (member_ == kJsonrpc) return s == "2.0";
                if (member_ == kId) {
                    if (!s.empty() && !is_printable_ascii_id(s, max_id)) return false;
                    return set_id(json::string(s));
                }
                if (member_ == kMethod) {
                    const auto method = find_method(s);
                    if (!method || (*method != Method::message_send && *method != Method::message_stream)) return false;
                    out_.rpc.method.assign(s);
                    out_.rpc.kind = *method;
                    return true;
                }
                return false;
            case Where::message:
                switch (member_) {
                    case kRole:
                        if (s == "user" || s == "ROLE_USER") {
                            m.role = Role::user;
                        } else if (s == "agent" || s == "ROLE_AGENT") {
                            m.role = Role::agent;
                        } else {
                            return false;
                        }
                        return true;
                    case kMessageId:
                    case kContextId:
                    case kTaskId: {
                        if (!is_printable_ascii_id(s, max_id)) return false;
                        auto& target = member_ == kMessageId   ? m.message_id
                                       : member_ == kContextId ? m.context_id
                                                               : m.task_id;
                        target.assign(s);
                        return true;
                    }
                    case kKind:
                        return s == "message";
                    default:
                        return false;
                }
            case Where::part:
                if (member_ == kPartKind || member_ == kPartType) return s == "text";
                if (member_ == kPartText) {
                    m.parts.back().text.assign(s);
                    return true;
                }
                return false;
            case Where::modes:
                out_.params.configuration.accepted_output_modes.emplace_back(s);
                return true;
            default:
                return false;
        }
    }

    const Limits& limits_;
    ParsedSend out_;
    std::array<Where, 6> stack_{};
    std::size_t depth_ = 0;
    Member member_ = kNone;        // the member whose value comes next
    std::uint32_t seen_ = 0;       // the members read, of the top object, params, message and configuration
    std::uint32_t part_seen_ = 0;  // the members read of the current part
    std::string part_;             // a key or string split over several calls, so far
};

}  // namespace

std::optional<ParsedSend> parse_send_request(std::string_view body, std::size_t max_depth, const Limits& limits) {
    json::parse_options options;
    options.max_depth = max_depth;
    json::basic_parser<SendReader> parser(options, limits);
    json::error_code ec;
    const std::size_t used = parser.write_some(false, body.data(), body.size(), ec);
    if (ec || used != body.size() || !parser.done()) return std::nullopt;
    return parser.handler().finish();
}

}  // namespace hector::a2a
