#include "hector/tools/detail/command_policy.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <optional>

#include "hector/common/strings.hpp"

namespace hector::tools::detail {

namespace {

constexpr std::string_view kStrictForbidden = ";&|<>`$(){}\n";

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

// Shell-word splitting; `tolerant` ends an unterminated quote at the end of the text instead of failing.
std::optional<std::vector<std::string>> split_words(std::string_view s, bool tolerant) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;  // '' makes an (empty) word too
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (is_blank(c) || c == '\n') {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else if (c == '\\') {
            if (i + 1 >= s.size()) {
                if (!tolerant) return std::nullopt;
                continue;
            }
            if (s[++i] != '\n') {  // backslash-newline joins lines
                word += s[i];
                in_word = true;
            }
        } else if (c == '\'') {
            const std::size_t close = s.find('\'', i + 1);
            if (close == std::string_view::npos && !tolerant) return std::nullopt;
            const std::size_t end = close == std::string_view::npos ? s.size() : close;
            word.append(s.substr(i + 1, end - i - 1));
            in_word = true;
            i = end;
        } else if (c == '"') {
            in_word = true;
            std::size_t j = i + 1;
            for (; j < s.size() && s[j] != '"'; ++j) {
                if (s[j] == '\\' && j + 1 < s.size() &&
                    std::string_view("$`\"\\\n").find(s[j + 1]) != std::string_view::npos) {
                    if (s[++j] != '\n') word += s[j];
                } else {
                    word += s[j];
                }
            }
            if (j >= s.size() && !tolerant) return std::nullopt;
            i = j;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word) words.push_back(std::move(word));
    return words;
}

std::string basename_of(std::string_view word) {
    const std::size_t slash = word.find_last_of('/');
    return std::string(slash == std::string_view::npos ? word : word.substr(slash + 1));
}

bool listed(const std::vector<std::string>& list, std::string_view name) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& entry) { return basename_of(entry) == name; });
}

bool is_assignment(std::string_view w) {
    const std::size_t eq = w.find('=');
    if (eq == 0 || eq == std::string_view::npos) return false;
    return std::all_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(eq),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool is_redirection(std::string_view w) {
    std::size_t i = 0;
    while (i < w.size() && std::isdigit(static_cast<unsigned char>(w[i]))) ++i;
    return i < w.size() && (w[i] == '<' || w[i] == '>');
}

bool one_of(std::string_view w, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), w) != set.end();
}

struct Segment {
    std::string_view text;
    bool starts_command = true;  // false after ")" or a closing backtick: the words continue the outer command
};

// Splits at separators outside single quotes; inside double quotes only ( ) and backticks split (command
// substitution works there).
std::vector<Segment> segments(std::string_view s) {
    std::vector<Segment> out;
    std::size_t start = 0;
    bool starts_command = true;
    bool single = false;
    bool dbl = false;
    bool backtick = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (single) {
            if (c == '\'') single = false;
            continue;
        }
        if (c == '\\') {
            ++i;
            continue;
        }
        if (c == '\'' && !dbl) {
            single = true;
            continue;
        }
        if (c == '"') {
            dbl = !dbl;
            continue;
        }
        if (c == '&' && ((i > 0 && (s[i - 1] == '<' || s[i - 1] == '>')) || (i + 1 < s.size() && s[i + 1] == '>')))
            continue;  // >&2, <&0, &> are redirections, not background jobs
        const bool closes = c == ')' || (c == '`' && backtick);
        if (closes || c == '(' || c == '`' || (!dbl && std::string_view(";&|\n").find(c) != std::string_view::npos)) {
            out.push_back({s.substr(start, i - start), starts_command});
            start = i + 1;
            starts_command = !closes;
            if (c == '`') backtick = !backtick;
        }
    }
    out.push_back({s.substr(start), starts_command});
    return out;
}

void collect(std::string_view command, std::vector<std::string>& out, int depth);

void collect_segment(const std::vector<std::string>& words, bool starts_command, std::vector<std::string>& out,
                     int depth) {
    bool expect_command = starts_command;  // the next plain word runs something
    bool all_words = false;                // after a wrapper (sudo -u root rm...), any later word may be what it runs
    bool skip_next = false;                // a redirection target or a timeout's duration
    bool in_shell = false;                 // a shell was named: its -c takes a script
    bool shell_c = false;                  // the next word is that script
    bool eval_rest = false;
    for (const std::string& w : words) {
        if (skip_next) {
            skip_next = false;
            continue;
        }
        if (eval_rest || shell_c) {
            collect(w, out, depth + 1);
            shell_c = false;
            continue;
        }
        if (is_redirection(w)) {
            const char last = w.back();
            skip_next = last == '<' || last == '>';  // "> file": the target is the next word
            continue;
        }
        if (one_of(w, {"-exec", "-execdir", "-ok", "-okdir"})) {
            expect_command = true;
            continue;
        }
        if (w == "-c" && in_shell) {
            shell_c = true;
            continue;
        }
        if ((!expect_command && !all_words) || is_assignment(w) || w.starts_with('-') ||
            one_of(w, {"!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in",
                       "case", "esac", "function", "select", "coproc"}))
            continue;
        const std::string name = basename_of(w);
        if (name.empty()) continue;
        out.push_back(name);
        expect_command = false;
        if (name == "eval") {
            eval_rest = true;
        } else if (name == "timeout") {
            all_words = true;
            skip_next = true;  // the duration
        } else if (one_of(name, {"sh", "bash", "dash", "zsh", "ksh"})) {
            in_shell = true;
        } else if (one_of(name, {"sudo", "doas", "env", "nohup", "nice", "exec", "command", "builtin", "time", "xargs",
                                 "stdbuf", "setsid", "ionice", "chroot", "unbuffer", "watch", "strace"})) {
            all_words = true;
        }
    }
}

void collect(std::string_view command, std::vector<std::string>& out, int depth) {
    if (depth > 8) return;
    for (const Segment& segment : segments(command)) {
        auto words = split_words(segment.text, true);
        if (words) collect_segment(*words, segment.starts_command, out, depth);
    }
}

std::optional<std::string> find_in_path(const std::string& name) {
    for (const auto& dir : split(kCommandPath, ':')) {
        const std::string candidate = dir + "/" + name;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return std::nullopt;
}

Error not_allowed(std::string_view name) {
    return Error{Errc::forbidden, fmt::format("command \"{}\" is not allowed", name)};
}

Result<CommandPlan> plan_strict(std::string_view command, const CommandPolicy& policy, const Workspace& workspace) {
    const std::size_t bad = command.find_first_of(kStrictForbidden);
    if (bad != std::string_view::npos) {
        const std::string shown = command[bad] == '\n' ? std::string("a newline") : fmt::format("\"{}\"", command[bad]);
        return Error{Errc::forbidden,
                     fmt::format("the command contains {}, which is not allowed: with an allow list commands run "
                                 "without a shell (no chaining, pipes, redirections, substitutions or variables)",
                                 shown)};
    }
    auto words = split_words(command, false);
    if (!words) return Error{Errc::invalid_argument, "the command has an unterminated quote or a trailing backslash"};
    if (words->empty()) return Error{Errc::invalid_argument, "the command is empty"};
    const std::string& exe = words->front();
    if (exe.find('/') != std::string::npos)
        return Error{Errc::forbidden, fmt::format("command \"{}\" is not allowed: give the name of an allowed "
                                                  "command, without a path",
                                                  exe)};
    if (listed(policy.denied, exe) || !listed(policy.allowed, exe)) return not_allowed(exe);
    for (std::size_t i = 1; i < words->size(); ++i) {
        std::string_view value = (*words)[i];
        if (value.starts_with('-')) {
            const std::size_t eq = value.find('=');
            if (eq == std::string_view::npos) continue;
            value.remove_prefix(eq + 1);
        }
        if (value.empty()) continue;
        auto inside = workspace.resolve(value);
        if (!inside && (inside.error().code == Errc::forbidden || inside.error().code == Errc::invalid_argument))
            return Error{Errc::forbidden,
                         fmt::format("argument \"{}\" is not allowed: {}", (*words)[i], inside.error().message)};
    }
    auto path = find_in_path(exe);
    if (!path) return Error{Errc::not_found, fmt::format("command \"{}\" was not found in {}", exe, kCommandPath)};
    return CommandPlan{std::move(*path), std::move(*words)};
}

}  // namespace

Result<std::vector<std::string>> split_shell_words(std::string_view command) {
    auto words = split_words(command, false);
    if (!words) return Error{Errc::invalid_argument, "the command has an unterminated quote or a trailing backslash"};
    return std::move(*words);
}

std::vector<std::string> command_executables(std::string_view command) {
    std::vector<std::string> out;
    collect(command, out, 0);
    return out;
}

Result<CommandPlan> plan_command(std::string_view command, const CommandPolicy& policy, const Workspace& workspace) {
    if (trim(command).empty()) return Error{Errc::invalid_argument, "the command is empty"};
    if (command.find('\0') != std::string_view::npos)
        return Error{Errc::invalid_argument, "the command contains a NUL byte"};
    if (policy.strict()) return plan_strict(command, policy, workspace);
    for (const auto& name : command_executables(command))
        if (listed(policy.denied, name)) return not_allowed(name);
    return CommandPlan{"/bin/sh", {"sh", "-c", std::string(command)}};
}

}  // namespace hector::tools::detail
