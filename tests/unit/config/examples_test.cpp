// Compatibility with the Go original's configs: every YAML snippet of its documentation (spec/examples) must use
// only keys our model knows, and a snippet that defines everything it references must load and validate as it is.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hector/config/loader.hpp"

namespace hector::config {
namespace {

namespace fs = std::filesystem;

// A plausible, typed value for every ${VAR} the snippets use. BASE_URL is left unset on purpose: its snippet
// writes ${BASE_URL:default} and must fall back to the literal.
Environment example_env() {
    return Environment::fixed({
        {"ANTHROPIC_API_KEY", "sk-ant-test"},
        {"API_KEY_1", "key-one"},
        {"API_KEY_2", "key-two"},
        {"API_TOKEN", "token-123"},
        {"AUTH0_AUDIENCE", "https://api.example.com"},
        {"AUTH0_DOMAIN", "example.eu.auth0.com"},
        {"COHERE_API_KEY", "co-test"},
        {"CUSTOM_BASE_URL", "https://gateway.example.com/v1"},
        {"DB_HOST", "db.example.com"},
        {"DB_PASSWORD", "db-secret"},
        {"DB_USER", "hector"},
        {"EXTERNAL_API_KEY", "ext-key"},
        {"GITHUB_WEBHOOK_SECRET", "gh-secret"},
        {"LLM_MODEL", "gpt-4o-mini"},
        {"MCP_URL", "http://localhost:8000/mcp"},
        {"METRICS_ENABLED", "true"},
        {"OPENAI_API_KEY", "sk-test"},
        {"OTLP_API_KEY", "otlp-key"},
        {"OTLP_ENDPOINT", "http://otel-collector:4318"},
        {"PINECONE_API_KEY", "pc-key"},
        {"PORT", "8080"},
        {"QDRANT_API_KEY", "qd-key"},
        {"SERVICE_API_KEY", "svc-key"},
        {"SHOPIFY_WEBHOOK_SECRET", "shop-secret"},
        {"SLACK_TOKEN", "xoxb-test"},
        {"SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/X"},
        {"TOKEN", "token-abc"},
        {"TRACE_API_KEY", "trace-key"},
        {"TRACING_ENABLED", "true"},
        {"WEAVIATE_API_KEY", "wv-key"},
        {"WEBHOOK_SECRET", "wh-secret"},
    });
}

/// A snippet that is not a valid config, and why. `errors` lists every error it must produce, as "path: message"
/// prefixes; unresolved references may come on top and are not listed.
struct Invalid {
    std::string_view file;
    std::vector<std::string_view> errors;
    std::string_view why;
};

// Reasons shared by several snippets.
constexpr std::string_view kDuplicateKeys =
    "a \"good vs bad\" comparison written as one document: YAML forbids duplicate keys (the Go loader rejects them "
    "too), and silently keeping one of the two would hide which one the user meant";
constexpr std::string_view kPartialJwt =
    "server.auth enabled with only part of jwks_url/issuer/audience is an error in the file (platform.md §1.6 rule 7, "
    "server.md §3.2 and OQ-22); only the CLI flags downgrade it to a warning";
constexpr std::string_view kGrpcTracing =
    "OTLP over gRPC (a scheme-less host:4317) is a config error that points to the HTTP endpoint, because Hector "
    "exports OTLP/HTTP JSON (DECISIONS 34)";
constexpr std::string_view kStoreWithoutSource =
    "shows one part of a document store whose source is not in the snippet; source is required (platform.md §8.4)";

const std::vector<Invalid>& invalid_snippets() {
    static const std::vector<Invalid> list = {
        {"guides-agents-42.yaml", {"agents: duplicate key"}, kDuplicateKeys},
        {"guides-agents-43.yaml", {"agents: duplicate key"}, kDuplicateKeys},
        {"guides-configuration-10.yaml", {"llms: duplicate key"}, kDuplicateKeys},
        {"guides-persistence-05.yaml", {"databases.main.database: duplicate key"}, kDuplicateKeys},
        {"guides-security-15.yaml", {"llms: duplicate key"}, kDuplicateKeys},
        {"guides-security-24.yaml", {"agents: duplicate key"}, kDuplicateKeys},
        {"guides-security-26.yaml", {"tools: duplicate key"}, kDuplicateKeys},
        {"guides-tools-21.yaml", {"agents: duplicate key"}, kDuplicateKeys},
        {"guides-tools-22.yaml", {"tools: duplicate key"}, kDuplicateKeys},
        {"guides-tools-23.yaml", {"tools: duplicate key"}, kDuplicateKeys},

        {"guides-automations-21.yaml",
         {"server.auth: jwks_url, issuer and audience must be set together"},
         kPartialJwt},
        {"guides-deployment-10.yaml", {"server.auth: jwks_url, issuer and audience must be set together"}, kPartialJwt},
        {"guides-security-05.yaml", {"server.auth: jwks_url, issuer and audience must be set together"}, kPartialJwt},

        {"guides-configuration-01.yaml", {"observability.tracing.endpoint: \"localhost:4317\""}, kGrpcTracing},
        {"guides-deployment-09.yaml", {"observability.tracing.endpoint: "}, kGrpcTracing},
        {"guides-observability-04.yaml", {"observability.tracing.endpoint: "}, kGrpcTracing},
        {"guides-observability-05.yaml", {"observability.tracing.endpoint: "}, kGrpcTracing},
        {"guides-observability-14.yaml", {"observability.tracing.endpoint: "}, kGrpcTracing},
        {"guides-observability-17.yaml", {"observability.tracing.endpoint: "}, kGrpcTracing},
        {"guides-observability-19.yaml", {"observability.tracing.endpoint: "}, kGrpcTracing},
        {"guides-observability-21.yaml", {"observability.tracing.endpoint: "}, kGrpcTracing},
        {"guides-observability-22.yaml", {"observability.tracing.endpoint: "}, kGrpcTracing},
        {"guides-observability-23.yaml", {"observability.tracing.endpoint: "}, kGrpcTracing},
        // Its tracing block sits under server.observability, the legacy place (server.md OQ-21).
        {"guides-security-27.yaml", {"observability.tracing.endpoint: \"jaeger-collector:4317\""}, kGrpcTracing},

        {"guides-rag-13.yaml", {"document_stores.docs.source: is required"}, kStoreWithoutSource},
        {"guides-rag-14.yaml", {"document_stores.docs.source: is required"}, kStoreWithoutSource},
        {"guides-rag-15.yaml", {"document_stores.docs.source: is required"}, kStoreWithoutSource},
        {"guides-rag-16.yaml", {"document_stores.docs.source: is required"}, kStoreWithoutSource},
        {"guides-rag-17.yaml", {"document_stores.docs.source: is required"}, kStoreWithoutSource},
        {"guides-rag-18.yaml", {"document_stores.docs.source: is required"}, kStoreWithoutSource},
        {"guides-rag-19.yaml", {"document_stores.docs.source: is required"}, kStoreWithoutSource},
        {"guides-rag-28.yaml", {"document_stores.docs.source: is required"}, kStoreWithoutSource},
        {"guides-rag-29.yaml", {"document_stores.docs.source: is required"}, kStoreWithoutSource},

        {"guides-persistence-24.yaml",
         {"databases.main.driver: is required"},
         "shows one pool setting of a database; driver is required (platform.md §1.5)"},
        {"guides-configuration-06.yaml",
         {"agents....: agent ids must be"},
         "`llms: {...}` is a placeholder of the docs; YAML reads it as an entry named \"...\", not a valid agent id"},
        {"guides-security-03.yaml",
         {"server.auth.audience: expected a string, got a mapping"},
         "`audience: {clientId}` is a placeholder of the docs; YAML reads it as a mapping, not a string"},
        {"guides-tools-16.yaml",
         {"tools.custom_analyzer.handler: unknown handler \"custom_analyzer\""},
         "a function tool names handler custom_analyzer, which the Go original registered from Go code; Hector "
         "builds function tools only from its built-in handlers, so the tool could never run"},
    };
    return list;
}

struct Outcome {
    Diagnostics diagnostics;
    std::vector<const Diagnostic*> hard_errors;  // errors that are not unresolved references
    std::size_t references = 0;
};

Outcome examine(const std::string& text) {
    const Environment env = example_env();
    Outcome out;
    // The stages of load_config_text, kept apart so the diagnostics of a fragment can be classified. As there,
    // type errors stop before the cross-field rules, which would only repeat them.
    Loaded l = parse_config_text(text, env);
    if (l.ok()) {
        finalize(l.config, env);
        validate(l.config, l.diagnostics);
    }
    out.diagnostics = std::move(l.diagnostics);
    for (const auto& e : out.diagnostics.errors) {
        if (e.reference)
            ++out.references;
        else
            out.hard_errors.push_back(&e);
    }
    return out;
}

std::string describe(const Outcome& o) {
    std::string s;
    for (const auto& e : o.diagnostics.errors) s += (e.reference ? "  reference: " : "  error:     ") + e.text() + "\n";
    for (const auto& w : o.diagnostics.warnings) s += "  warning:   " + w.text() + "\n";
    return s.empty() ? "  (no diagnostics)\n" : s;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<fs::path> example_files() {
    std::vector<fs::path> files;
    fs::path dir = fs::path(HECTOR_SPEC_DIR) / "examples";
    std::error_code ec;
    if (std::string_view(HECTOR_SPEC_DIR).empty() || !fs::is_directory(dir, ec)) return files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

TEST(Examples, EverySnippetUsesKnownKeysAndValidatesUnlessItIsAFragment) {
    const auto files = example_files();
    if (files.empty())
        GTEST_SKIP() << "no spec examples folder (HECTOR_SPEC_DIR=\"" HECTOR_SPEC_DIR
                        "\"); configure with -DHECTOR_SPEC_DIR=<spec folder> to run this test";
    // The folder holds 287 snippets; far fewer means the walk went wrong, and the test would prove nothing.
    EXPECT_GE(files.size(), 280u);

    std::size_t complete = 0;
    for (const auto& path : files) {
        const std::string name = path.filename().string();
        SCOPED_TRACE(name);
        const std::string text = read_file(path);
        const Outcome o = examine(text);
        const auto* invalid = [&]() -> const Invalid* {
            for (const auto& i : invalid_snippets())
                if (i.file == name) return &i;
            return nullptr;
        }();

        for (const auto& w : o.diagnostics.warnings)
            EXPECT_EQ(w.message.find("unknown key"), std::string::npos) << name << ": " << w.text() << "\n"
                                                                        << describe(o);

        if (!invalid) {
            EXPECT_TRUE(o.hard_errors.empty()) << name << " has errors that are not unresolved references:\n"
                                               << describe(o);
        } else {
            for (const auto* e : o.hard_errors) {
                bool expected = std::any_of(invalid->errors.begin(), invalid->errors.end(),
                                            [&](std::string_view x) { return e->text().starts_with(x); });
                EXPECT_TRUE(expected) << name << ": unexpected error " << e->text() << "\n"
                                      << describe(o) << "listed as invalid because " << invalid->why;
            }
            for (auto x : invalid->errors) {
                bool found = std::any_of(o.hard_errors.begin(), o.hard_errors.end(),
                                         [&](const Diagnostic* e) { return e->text().starts_with(x); });
                EXPECT_TRUE(found) << name << ": expected an error starting with \"" << x << "\"\n" << describe(o);
            }
            EXPECT_FALSE(load_config_text(text, example_env()).ok()) << name << " must not load";
        }

        if (!invalid && o.references == 0) {
            // Defines everything it uses: the whole pipeline must accept it as it is.
            ++complete;
            Loaded l = load_config_text(text, example_env());
            EXPECT_TRUE(l.ok()) << name << " defines everything it references but does not load:\n"
                                << l.diagnostics.summary();
        }
    }
    // Many snippets are complete configs; if none were, the reference classification would be suspect.
    EXPECT_GE(complete, 100u);
}

TEST(Examples, InvalidListNamesExistingFiles) {
    const auto files = example_files();
    if (files.empty()) GTEST_SKIP() << "no spec examples folder";
    for (const auto& i : invalid_snippets()) {
        bool exists =
            std::any_of(files.begin(), files.end(), [&](const fs::path& p) { return p.filename() == i.file; });
        EXPECT_TRUE(exists) << i.file << " is listed as invalid but is not in the examples folder";
    }
}

}  // namespace
}  // namespace hector::config
