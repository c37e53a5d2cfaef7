#include "hector/tools/detail/unified_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "hector/tools/detail/text.hpp"

namespace hector::tools::detail {

namespace {

Error bad(std::string message) {
    return Error{Errc::invalid_argument, std::move(message)};
}

// "a/src/x.cc\t2024-01-01 ..." → "a/src/x.cc"; "/dev/null" → "".
std::string header_path(std::string_view rest) {
    rest = rest.substr(0, rest.find('\t'));
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\r')) rest.remove_suffix(1);
    if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"') rest = rest.substr(1, rest.size() - 2);
    if (rest == "/dev/null") return {};
    return std::string(rest);
}

bool parse_number(std::string_view& s, std::size_t& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc()) return false;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    return true;
}

// "-a[,b]" or "+c[,d]"; a missing count means 1.
bool parse_range(std::string_view& s, char sign, std::size_t& start, std::size_t& count) {
    if (s.empty() || s.front() != sign) return false;
    s.remove_prefix(1);
    if (!parse_number(s, start)) return false;
    count = 1;
    if (!s.empty() && s.front() == ',') {
        s.remove_prefix(1);
        if (!parse_number(s, count)) return false;
    }
    return true;
}

std::optional<Hunk> parse_hunk_header(std::string_view line) {
    Hunk h;
    h.header = std::string(
        line.substr(0, line.find("@@", 2) == std::string_view::npos ? line.size() : line.find("@@", 2) + 2));
    std::string_view s = line.substr(3);  // after "@@ "
    if (!parse_range(s, '-', h.old_start, h.old_count)) return std::nullopt;
    if (s.empty() || s.front() != ' ') return std::nullopt;
    s.remove_prefix(1);
    if (!parse_range(s, '+', h.new_start, h.new_count)) return std::nullopt;
    if (!s.starts_with(" @@")) return std::nullopt;
    return h;
}

void strip_git_prefixes(FilePatch& f) {
    auto has = [](const std::string& p, std::string_view prefix) { return p.empty() || p.starts_with(prefix); };
    if (has(f.old_path, "a/") && has(f.new_path, "b/") && !(f.old_path.empty() && f.new_path.empty())) {
        if (!f.old_path.empty()) f.old_path.erase(0, 2);
        if (!f.new_path.empty()) f.new_path.erase(0, 2);
    }
}

std::string_view rtrim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool block_matches(const std::vector<std::string_view>& lines, std::size_t at,
                   const std::vector<std::string_view>& block, bool loose) {
    if (at + block.size() > lines.size()) return false;
    for (std::size_t i = 0; i < block.size(); ++i) {
        if (loose ? rtrim(lines[at + i]) != rtrim(block[i]) : lines[at + i] != block[i]) return false;
    }
    return true;
}

// Where `block` starts at or after `min_at`, searching outward from `expected`.
std::optional<std::size_t> find_block(const std::vector<std::string_view>& lines,
                                      const std::vector<std::string_view>& block, std::size_t expected,
                                      std::size_t min_at) {
    if (block.empty()) return std::clamp(expected, min_at, lines.size());
    for (bool loose : {false, true}) {
        for (std::size_t d = 0;; ++d) {
            bool in_range = false;
            if (expected + d <= lines.size()) {
                in_range = true;
                if (expected + d >= min_at && block_matches(lines, expected + d, block, loose)) return expected + d;
            }
            if (d > 0 && d <= expected) {
                in_range = true;
                if (expected - d >= min_at && block_matches(lines, expected - d, block, loose)) return expected - d;
            }
            if (!in_range) break;
        }
    }
    return std::nullopt;
}

}  // namespace

Result<std::vector<FilePatch>> parse_unified_diff(std::string_view patch) {
    const auto lines = split_lines(patch);
    std::vector<FilePatch> files;
    std::size_t i = 0;
    while (i < lines.size()) {
        const std::string_view line = lines[i];
        if (line.starts_with("GIT binary patch") || (line.starts_with("Binary files ") && line.ends_with(" differ")))
            return bad("binary patches are not supported");
        if (!(line.starts_with("--- ") && i + 1 < lines.size() && lines[i + 1].starts_with("+++ "))) {
            ++i;
            continue;
        }
        FilePatch file;
        file.old_path = header_path(line.substr(4));
        file.new_path = header_path(lines[i + 1].substr(4));
        strip_git_prefixes(file);
        if (file.old_path.empty() && file.new_path.empty()) return bad("a file section names /dev/null twice");
        i += 2;
        while (i < lines.size() && lines[i].starts_with("@@ ")) {
            auto hunk = parse_hunk_header(lines[i]);
            const std::size_t number = file.hunks.size() + 1;
            if (!hunk)
                return bad(fmt::format("{}: hunk {} has a malformed header \"{}\"", file.path(), number, lines[i]));
            ++i;
            std::size_t old_left = hunk->old_count;
            std::size_t new_left = hunk->new_count;
            while (old_left > 0 || new_left > 0) {
                if (i >= lines.size() || lines[i].starts_with("@@ "))
                    return bad(fmt::format("{}: hunk {} ({}) is truncated: its header counts {} old and {} new lines",
                                           file.path(), number, hunk->header, hunk->old_count, hunk->new_count));
                std::string_view body = lines[i];
                const char kind = body.empty() ? ' ' : body.front();  // a bare empty line is an empty context line
                if (kind == '\\') {
                    if (!hunk->lines.empty() && hunk->lines.back().kind != '-') hunk->new_no_newline = true;
                    ++i;
                    continue;
                }
                const bool old_side = kind == ' ' || kind == '-';
                const bool new_side = kind == ' ' || kind == '+';
                if ((!old_side && !new_side) || (old_side && old_left == 0) || (new_side && new_left == 0))
                    return bad(fmt::format("{}: hunk {} ({}) does not agree with its header at line \"{}\"",
                                           file.path(), number, hunk->header, body));
                if (old_side) --old_left;
                if (new_side) --new_left;
                hunk->lines.push_back({kind, std::string(body.empty() ? body : body.substr(1))});
                ++i;
            }
            // "\ No newline at end of file" after the last line of a side.
            while (i < lines.size() && lines[i].starts_with("\\")) {
                if (!hunk->lines.empty() && hunk->lines.back().kind != '-') hunk->new_no_newline = true;
                ++i;
            }
            file.hunks.push_back(std::move(*hunk));
        }
        if (file.hunks.empty() && !file.old_path.empty())
            return bad(fmt::format("{}: the file section has no hunks", file.path()));
        files.push_back(std::move(file));
    }
    if (files.empty()) return bad("the patch has no file sections (expected \"--- path\", \"+++ path\" and @@ hunks)");
    return files;
}

Result<std::optional<std::string>> apply_file_patch(const std::optional<std::string>& original, const FilePatch& file) {
    const std::string& name = file.path();
    if (file.old_path.empty() && original) return bad(fmt::format("{}: the patch creates it, but it exists", name));
    if (!file.old_path.empty() && !original) return bad(fmt::format("{}: no such file", name));
    const std::string_view text = original ? std::string_view(*original) : std::string_view();
    const auto lines = split_lines(text);
    bool final_newline = text.empty() || text.back() == '\n';

    std::vector<std::string_view> out;
    std::size_t copied = 0;  // lines of `lines` already handled
    for (std::size_t h = 0; h < file.hunks.size(); ++h) {
        const Hunk& hunk = file.hunks[h];
        std::vector<std::string_view> old_block;
        for (const auto& l : hunk.lines)
            if (l.kind != '+') old_block.push_back(l.text);
        // A hunk that removes nothing inserts after line old_start; otherwise it starts at line old_start.
        const std::size_t expected =
            hunk.old_count == 0 ? hunk.old_start : (hunk.old_start > 0 ? hunk.old_start - 1 : 0);
        auto at = find_block(lines, old_block, expected, copied);
        if (!at)
            return bad(
                fmt::format("{}: hunk {} ({}) does not match: its context and removed lines were not found "
                            "{}; nothing was changed",
                            name, h + 1, hunk.header, h == 0 ? "in the file" : "after the previous hunk"));
        out.insert(out.end(), lines.begin() + static_cast<std::ptrdiff_t>(copied),
                   lines.begin() + static_cast<std::ptrdiff_t>(*at));
        std::size_t pos = *at;
        for (const auto& l : hunk.lines) {
            if (l.kind == ' ') out.push_back(lines[pos]);  // the file's own text, whitespace included
            if (l.kind == '+') out.push_back(l.text);
            if (l.kind != '+') ++pos;
        }
        copied = pos;
        if (copied == lines.size()) final_newline = !hunk.new_no_newline;
    }
    out.insert(out.end(), lines.begin() + static_cast<std::ptrdiff_t>(copied), lines.end());

    if (file.new_path.empty()) {
        if (!out.empty())
            return bad(fmt::format("{}: the patch deletes the file, but {} line(s) would remain", name, out.size()));
        return std::optional<std::string>();
    }
    std::string result;
    for (std::size_t k = 0; k < out.size(); ++k) {
        result.append(out[k]);
        if (k + 1 < out.size() || final_newline) result += '\n';
    }
    return std::optional<std::string>(std::move(result));
}

}  // namespace hector::tools::detail
