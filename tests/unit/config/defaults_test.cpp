// finalize(): defaults that depend on other fields, inline agents and the legacy spellings of moved sections.

#include <gtest/gtest.h>

#include "config_test_util.hpp"

namespace hector::config {
namespace {

using testing::all_diagnostics;
using testing::has_error;
using testing::has_warning;
using testing::kLlm;
using testing::load;

TEST(Defaults, InlineAgentsBecomeTopLevelSubAgents) {
    Loaded l = load(std::string(kLlm) + R"(
agents:
  root:
    global_instruction: Answer in JSON.
    sub_agents: [helper]
    agents:
      child1:
        instruction: Analyze this data.
        agents:
          grandchild: {instruction: Dig deeper.}
  helper: {}
)");
    ASSERT_TRUE(l.ok()) << all_diagnostics(l);
    std::vector<std::string> ids;
    for (const auto& [id, a] : l.config.agents) ids.push_back(id);
    EXPECT_EQ(ids, (std::vector<std::string>{"root", "helper", "child1", "grandchild"}));
    EXPECT_EQ(l.config.agents.find("root")->sub_agents, (std::vector<std::string>{"helper", "child1"}));
    EXPECT_EQ(l.config.agents.find("child1")->sub_agents, std::vector<std::string>{"grandchild"});
    EXPECT_EQ(l.config.agents.find("grandchild")->instruction, "Dig deeper.");
    EXPECT_EQ(l.config.agents.find("child1")->llm, "default");
    EXPECT_TRUE(l.config.agents.find("root")->agents.items.empty());
}

TEST(Defaults, InlineAgentWithATakenIdIsAnError) {
    Loaded l = load(std::string(kLlm) + "agents:\n  root:\n    agents:\n      helper: {}\n  helper: {}\n");
    EXPECT_TRUE(has_error(l, "agents.root.agents.helper: an agent \"helper\" is already defined"))
        << all_diagnostics(l);
}

TEST(Defaults, LegacyRateLimitingMapsToACountRule) {
    Loaded l = load("server:\n  rate_limiting: {enabled: true, requests_per_minute: 60, burst: 10, per_user: true}\n");
    ASSERT_TRUE(l.ok()) << all_diagnostics(l);
    const auto& rl = l.config.rate_limiting;
    EXPECT_TRUE(rl.enabled);
    EXPECT_EQ(rl.scope, "user");
    ASSERT_EQ(rl.limits.size(), 1u);
    EXPECT_EQ(rl.limits[0].type, "count");
    EXPECT_EQ(rl.limits[0].window, "minute");
    EXPECT_EQ(rl.limits[0].limit, 70);
    EXPECT_TRUE(l.diagnostics.warnings.empty()) << all_diagnostics(l);

    Loaded off = load("server:\n  rate_limiting: {enabled: false, requests_per_minute: 60}\n");
    EXPECT_FALSE(off.config.rate_limiting.enabled);

    Loaded both = load(
        "rate_limiting: {enabled: true, limits: [{type: token, window: day, limit: 9}]}\n"
        "server:\n  rate_limiting: {requests_per_minute: 60}\n");
    ASSERT_TRUE(both.ok()) << all_diagnostics(both);
    EXPECT_EQ(both.config.rate_limiting.limits[0].type, "token");
    EXPECT_TRUE(has_warning(both, "server.rate_limiting: ignored: the top-level rate_limiting is set"));
}

TEST(Defaults, LegacyObservabilityPlacesAreApplied) {
    Loaded server = load("server:\n  observability:\n    metrics: {enabled: true, namespace: acme}\n");
    ASSERT_TRUE(server.ok()) << all_diagnostics(server);
    EXPECT_TRUE(server.config.observability.metrics.enabled);
    EXPECT_EQ(server.config.observability.metrics.namespace_, "acme");

    Loaded doubled = load("observability:\n  observability:\n    tracing: {enabled: true, exporter: stdout}\n");
    ASSERT_TRUE(doubled.ok()) << all_diagnostics(doubled);
    EXPECT_TRUE(doubled.config.observability.tracing.enabled);
    EXPECT_EQ(doubled.config.observability.tracing.exporter, "stdout");
    EXPECT_TRUE(doubled.diagnostics.warnings.empty()) << all_diagnostics(doubled);

    Loaded both = load(
        "observability:\n  metrics: {enabled: true}\nserver:\n  observability:\n"
        "    metrics: {enabled: true, endpoint: /m}\n");
    ASSERT_TRUE(both.ok()) << all_diagnostics(both);
    EXPECT_EQ(both.config.observability.metrics.endpoint, "/metrics");
    EXPECT_TRUE(has_warning(both, "server.observability.metrics: ignored: observability.metrics is also set"));
}

TEST(Defaults, ProviderDefaultsFollowTheProvider) {
    Loaded l = load(R"(
embedders:
  o: {provider: openai}
  c: {provider: cohere}
  l: {}
vector_stores:
  q: {type: qdrant, host: qd}
  m: {type: milvus, host: mv}
  mine: {type: qdrant, host: qd, port: 6334}
)",
                    {{"OPENAI_API_KEY", "sk-1"}, {"COHERE_API_KEY", "co-1"}});
    ASSERT_TRUE(l.ok()) << all_diagnostics(l);
    const auto& o = *l.config.embedders.find("o");
    EXPECT_EQ(o.model, "text-embedding-3-small");
    EXPECT_EQ(o.base_url, "https://api.openai.com/v1");
    EXPECT_EQ(o.api_key, "sk-1");
    EXPECT_EQ(l.config.embedders.find("c")->model, "embed-english-v3.0");
    EXPECT_EQ(l.config.embedders.find("c")->api_key, "co-1");
    EXPECT_EQ(l.config.embedders.find("l")->model, "nomic-embed-text");
    EXPECT_EQ(l.config.vector_stores.find("q")->port, 6333);
    EXPECT_EQ(l.config.vector_stores.find("m")->port, 19530);
    EXPECT_EQ(l.config.vector_stores.find("mine")->port, 6334);

    Loaded missing = load("embedders: {o: {provider: openai}}");
    EXPECT_TRUE(has_warning(missing, "embedders.o.api_key: no API key (set api_key or OPENAI_API_KEY)"));
}

TEST(Defaults, DocumentStoresPickTheFirstStoreAndEmbedder) {
    Loaded l = load(R"(
embedders: {first: {provider: ollama}, second: {provider: ollama}}
vector_stores: {v1: {type: chromem}, v2: {type: chromem}}
document_stores:
  docs: {source: {path: ./docs}}
  other: {source: {path: ./o}, embedder: second, vector_store: v2, collection: shared}
)");
    ASSERT_TRUE(l.ok()) << all_diagnostics(l);
    const auto& docs = *l.config.document_stores.find("docs");
    EXPECT_EQ(docs.embedder, "first");
    EXPECT_EQ(docs.vector_store, "v1");
    EXPECT_EQ(docs.collection, "docs");
    EXPECT_EQ(l.config.document_stores.find("other")->collection, "shared");
}

TEST(Defaults, McpTransportIsInferred) {
    Loaded l = load(R"(
tools:
  a: {command: npx, args: [server]}
  b: {url: "http://h/sse"}
  c: {url: "http://h/mcp"}
  d: {url: "http://h/mcp", transport: http}
  e: {handler: bash}
)");
    ASSERT_TRUE(l.ok()) << all_diagnostics(l);
    EXPECT_EQ(l.config.tools.find("a")->type, "mcp");
    EXPECT_EQ(l.config.tools.find("a")->transport, "stdio");
    EXPECT_EQ(l.config.tools.find("b")->transport, "sse");
    EXPECT_EQ(l.config.tools.find("c")->transport, "streamable-http");
    EXPECT_EQ(l.config.tools.find("d")->transport, "streamable-http");
    EXPECT_EQ(l.config.tools.find("e")->type, "function");
    EXPECT_EQ(l.config.tools.find("a")->prefix, "a");
}

TEST(Defaults, StorageAndTracing) {
    Loaded l = load(R"(
databases: {main: {driver: sqlite, database: h.db}}
storage: {tasks: {backend: sql}, sessions: {backend: memory}}
rate_limiting: {backend: sql}
observability: {tracing: {enabled: true, exporter: zipkin}}
)");
    ASSERT_TRUE(l.ok()) << all_diagnostics(l);
    EXPECT_EQ(l.config.storage.tasks.database, "main");
    EXPECT_EQ(l.config.storage.sessions.backend, "inmemory");
    EXPECT_EQ(l.config.observability.tracing.endpoint, "http://localhost:9411/api/v2/spans");
    EXPECT_EQ(load("").config.observability.tracing.endpoint, "http://localhost:4318");
    EXPECT_EQ(load(std::string(kLlm) + "agents: {a: {}}").config.agents.find("a")->reasoning.termination_conditions,
              (std::vector<std::string>{"no_tool_calls", "escalate", "transfer"}));
}

}  // namespace
}  // namespace hector::config
