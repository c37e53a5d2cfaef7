// The validation rules of platform.md §1.6, one group per rule. Every case checks that the finding names its path.

#include <gtest/gtest.h>

#include "config_test_util.hpp"

namespace hector::config {
namespace {

using testing::all_diagnostics;
using testing::find_error;
using testing::has_error;
using testing::has_warning;
using testing::kLlm;
using testing::load;

struct Case {
    std::string yaml;
    std::string expected;  // "path: message" prefix
};

// Rule 1: every reference resolves; an unresolved one is a `reference` error naming its path.
TEST(Validate, UnresolvedReferencesNameTheirPath) {
    const std::string L(kLlm);
    const Case cases[] = {
        {L + "agents: {a: {llm: gpt}}", "agents.a.llm: unknown llm \"gpt\""},
        {"agents: {a: {}}", "agents.a.llm: no llm configured"},
        {L + "agents: {a: {tools: [nope]}}", "agents.a.tools[0]: unknown tool \"nope\""},
        {L + "agents: {a: {sub_agents: [researcher]}}", "agents.a.sub_agents[0]: agent \"researcher\" not found"},
        {L + "agents: {a: {agent_tools: [helper]}}", "agents.a.agent_tools[0]: agent \"helper\" not found"},
        {L + "agents: {a: {document_stores: [kb]}}", "agents.a.document_stores[0]: unknown document store \"kb\""},
        {L + "agents: {a: {guardrails: strict}}", "agents.a.guardrails: unknown guardrail set \"strict\""},
        {L + "agents: {a: {context: {strategy: summary_buffer, summarizer_llm: cheap}}}",
         "agents.a.context.summarizer_llm: unknown llm \"cheap\""},
        {L + "agents: {a: {include_context: true}}", "agents.a.include_context: include_context needs document"},
        {L + "defaults: {llm: main}", "defaults.llm: unknown llm \"main\""},
        {"embedders: {e: {provider: ollama}}\ndocument_stores:\n  d: {source: {path: ./docs}, vector_store: qd}",
         "document_stores.d.vector_store: unknown vector store \"qd\""},
        {"document_stores:\n  d: {source: {path: ./docs}, embedder: emb}",
         "document_stores.d.embedder: unknown embedder"},
        {"document_stores:\n  d: {source: {path: ./docs}}", "document_stores.d.embedder: no embedder configured"},
        {L + "embedders: {e: {provider: ollama}}\ndocument_stores:\n  d: {source: {path: ./d}, search: {hyde_llm: x}}",
         "document_stores.d.search.hyde_llm: unknown llm \"x\""},
        {L + "embedders: {e: {provider: ollama}}\ndocument_stores:\n  d: {source: {path: ./d}, search: {rerank_llm: "
             "x}}",
         "document_stores.d.search.rerank_llm: unknown llm \"x\""},
        {L + "embedders: {e: {provider: ollama}}\ndocument_stores:\n  d: {source: {path: ./d}, search: "
             "{multi_query_llm: x}}",
         "document_stores.d.search.multi_query_llm: unknown llm \"x\""},
        {"embedders: {e: {provider: ollama}}\ndocument_stores:\n  d:\n    source: {type: sql, sql: {database: crm, "
         "query: SELECT 1, content_columns: [a]}}",
         "document_stores.d.source.sql.database: unknown database \"crm\""},
        {"embedders: {e: {provider: ollama}}\ndocument_stores:\n  d:\n    source: {path: ./d}\n    mcp_parsers: "
         "{tool_names: [convert]}",
         "document_stores.d.mcp_parsers.tool_names: MCP parsers need an MCP toolset"},
        {"storage: {tasks: {backend: sql, database: main}}", "storage.tasks.database: unknown database \"main\""},
        {"storage: {sessions: {backend: sql, database: main}}", "storage.sessions.database: unknown database \"main\""},
        {"storage: {memory: {backend: vector, embedder: emb}}", "storage.memory.embedder: unknown embedder \"emb\""},
        {"storage: {memory: {backend: vector}}", "storage.memory.embedder: vector memory needs an embedder"},
        {"rate_limiting: {backend: sql, sql_database: rl}", "rate_limiting.sql_database: unknown database \"rl\""},
    };
    for (const auto& c : cases) {
        Loaded l = load(c.yaml);
        const Diagnostic* e = find_error(l, c.expected);
        ASSERT_NE(e, nullptr) << c.yaml << "\n---\n" << all_diagnostics(l);
        EXPECT_TRUE(e->reference) << e->text();
    }
}

TEST(Validate, ResolvedReferencesAreQuiet) {
    Loaded l = load(std::string(kLlm) + R"(
databases: {main: {driver: sqlite, database: x.db}}
embedders: {e: {provider: ollama}}
vector_stores: {v: {type: chromem}}
tools:
  fs: {type: mcp, command: mcp-fs, filter: [read_file]}
  web: {type: mcp, url: "http://localhost:9/mcp"}
document_stores:
  kb: {source: {path: ./docs}, vector_store: v, embedder: e, search: {enable_hyde: true, hyde_llm: default}}
guardrails: {strict: {}}
agents:
  a: {tools: [fs, fs_read_file, web_anything, bash, search], document_stores: [kb], guardrails: strict,
      sub_agents: [b], agent_tools: [c]}
  b: {}
  c: {}
storage: {tasks: {backend: sql, database: main}, memory: {backend: vector, embedder: e}}
rate_limiting: {backend: sql, sql_database: main}
)");
    EXPECT_TRUE(l.ok()) << all_diagnostics(l);
}

TEST(Validate, McpToolNamesMustBeOfferedByTheFilter) {
    Loaded l = load(std::string(kLlm) + R"(
tools: {fs: {type: mcp, command: mcp-fs, filter: [read_file]}}
agents: {a: {tools: [fs_write_file]}}
)");
    const Diagnostic* e = find_error(l, "agents.a.tools[0]: MCP toolset \"fs\" does not offer \"write_file\"");
    ASSERT_NE(e, nullptr) << all_diagnostics(l);
    EXPECT_FALSE(e->reference);
}

// Rule 2: cycles through sub_agents and agent_tools, reported with the path they take.
TEST(Validate, CyclesShowTheirPath) {
    Loaded mixed = load(std::string(kLlm) +
                        "agents:\n  a: {agent_tools: [b]}\n  b: {sub_agents: [c]}\n"
                        "  c: {agent_tools: [a]}\n");
    EXPECT_TRUE(has_error(mixed, "agents.c: circular agent reference detected: a → b → c → a"))
        << all_diagnostics(mixed);
    Loaded self = load(std::string(kLlm) + "agents:\n  a: {sub_agents: [a]}\n");
    EXPECT_TRUE(has_error(self, "agents.a: circular agent reference detected: a → a")) << all_diagnostics(self);
    Loaded tree = load(std::string(kLlm) + "agents:\n  a: {sub_agents: [b, c]}\n  b: {sub_agents: [c]}\n  c: {}\n");
    EXPECT_TRUE(tree.ok()) << all_diagnostics(tree);  // a diamond is not a cycle
}

// Rule 3: enums, checked where the value is read.
TEST(Validate, EnumsNameTheAllowedValues) {
    const Case cases[] = {
        {"llms: {x: {provider: openia}}", "llms.x.provider: must be one of openai, anthropic"},
        {"agents: {a: {type: chain}}", "agents.a.type: must be one of llm, sequential"},
        {"agents: {a: {visibility: secret}}", "agents.a.visibility: must be one of public, internal, private"},
        {"agents: {a: {context: {strategy: all}}}", "agents.a.context.strategy: must be one of none"},
        {"document_stores: {d: {source: {path: x}, chunking: {strategy: words}}}",
         "document_stores.d.chunking.strategy: must be one of simple"},
        {"vector_stores: {v: {type: faiss}}", "vector_stores.v.type: must be one of chromem"},
        {"embedders: {e: {provider: voyage}}", "embedders.e.provider: must be one of openai, ollama, cohere"},
        {"tools: {t: {type: plugin}}", "tools.t.type: must be one of function, command, mcp"},
        {"tools: {t: {type: mcp, url: x, transport: websocket}}", "tools.t.transport: must be one of stdio"},
        {"guardrails: {g: {input: {injection: {action: shout}}}}",
         "guardrails.g.input.injection.action: must be one of allow, block, modify, warn"},
        {"guardrails: {g: {output: {pii: {severity: extreme}}}}",
         "guardrails.g.output.pii.severity: must be one of low, medium, high, critical"},
        {"guardrails: {g: {tool: {chain_mode: all}}}", "guardrails.g.tool.chain_mode: must be one of fail_fast"},
        {"guardrails: {g: {output: {pii: {redact_mode: blur}}}}",
         "guardrails.g.output.pii.redact_mode: must be one of mask, remove, hash"},
        {"logger: {level: trace}", "logger.level: must be one of debug, info, warn, error"},
        {"logger: {format: xml}", "logger.format: must be one of simple, verbose, json"},
        {"agents: {a: {reasoning: {termination_conditions: [done]}}}",
         "agents.a.reasoning.termination_conditions[0]: must be one of no_tool_calls"},
    };
    for (const auto& c : cases) {
        Loaded l = load(c.yaml);
        EXPECT_TRUE(has_error(l, c.expected)) << c.yaml << "\n---\n" << all_diagnostics(l);
    }
}

// Rule 4: ranges, including those that span two fields.
TEST(Validate, RangesNameTheirPath) {
    const std::string L(kLlm);
    const std::string store = "embedders: {e: {provider: ollama}}\ndocument_stores:\n  d:\n    source: {path: ./d}\n";
    const Case cases[] = {
        {"llms: {x: {temperature: 2.5}}", "llms.x.temperature: must be at most 2"},
        {"llms: {x: {temperature: -0.1}}", "llms.x.temperature: must be at least 0"},
        {store + "    search: {threshold: 1.5}", "document_stores.d.search.threshold: must be at most 1"},
        {store + "    search: {top_k: 0}", "document_stores.d.search.top_k: must be at least 1"},
        {store + "    chunking: {size: 500, overlap: 500}", "document_stores.d.chunking.overlap: must be less than"},
        {store + "    chunking: {min_size: 3000, max_size: 2000}",
         "document_stores.d.chunking.min_size: must not exceed chunking.max_size"},
        {"agents: {a: {context: {threshold: 0}}}", "agents.a.context.threshold: must be greater than 0"},
        {"agents: {a: {context: {target: 1.5}}}", "agents.a.context.target: must be at most 1"},
        // The server reads its own output back with a fixed bound (kOwnJsonDepth): requests stay well inside it.
        {"server: {limits: {max_json_depth: 10000}}", "server.limits.max_json_depth: must be at most 512"},
        {L + "agents: {a: {context: {strategy: summary_buffer, threshold: 0.6, target: 0.7}}}",
         "agents.a.context.target: must be less than context.threshold"},
        {"agents: {a: {context: {window_size: 0}}}", "agents.a.context.window_size: must be at least 1"},
        {"agents: {a: {context: {budget: 0}}}", "agents.a.context.budget: must be at least 1"},
        {"agents: {a: {reasoning: {max_iterations: 0}}}", "agents.a.reasoning.max_iterations: must be at least 1"},
        {"agents: {a: {type: loop, max_iterations: 0}}", "agents.a.max_iterations: must be at least 1"},
        {"server: {port: 70000}", "server.port: must be at most 65535"},
        {"llms: {c: {provider: anthropic, api_key: k, max_tokens: 2000, thinking: {enabled: true, budget_tokens: "
         "4000}}}",
         "llms.c.thinking.budget_tokens: must be less than max_tokens"},
        {"llms: {c: {provider: anthropic, api_key: k, thinking: {enabled: true, budget_tokens: 500}}}",
         "llms.c.thinking.budget_tokens: anthropic needs at least 1024"},
    };
    for (const auto& c : cases) {
        Loaded l = load(c.yaml);
        EXPECT_TRUE(has_error(l, c.expected)) << c.yaml << "\n---\n" << all_diagnostics(l);
    }
}

// Rule 5: agent shapes; keys a workflow agent cannot use are only warnings.
TEST(Validate, AgentShapes) {
    const std::string L(kLlm);
    EXPECT_TRUE(has_error(load(L + "agents: {p: {type: parallel}}"),
                          "agents.p.sub_agents: parallel agents need at least one sub-agent"));
    EXPECT_TRUE(has_error(load(L + "agents: {r: {type: remote}}"), "agents.r.url: remote agents need url or"));
    EXPECT_TRUE(load(L + "agents: {r: {type: remote, agent_card_file: card.json}}").ok());
    EXPECT_TRUE(has_error(load(L + "agents: {r: {type: runner}}"), "agents.r.tools: runner agents need at least one"));
    EXPECT_TRUE(has_error(load(L + "agents: {r: {type: runner, tools: []}}"), "agents.r.tools: runner agents need"));
    EXPECT_TRUE(has_error(load(L + "agents: {r: {type: remote, url: 'http://x', credentials: {type: bearer}}}"),
                          "agents.r.credentials.token: bearer credentials need a token"));

    Loaded workflow = load(L +
                           "agents:\n  s: {type: sequential, sub_agents: [a], llm: default, instruction: hi, "
                           "tools: [bash]}\n  a: {}\n");
    EXPECT_TRUE(workflow.ok()) << all_diagnostics(workflow);
    EXPECT_TRUE(has_warning(workflow, "agents.s.llm: sequential agents have no LLM of their own"));
    EXPECT_TRUE(has_warning(workflow, "agents.s.instruction: sequential agents have no LLM"));
    EXPECT_TRUE(has_warning(workflow, "agents.s.tools: sequential agents have no LLM"));

    Loaded loop = load(L + "agents:\n  l: {type: loop, sub_agents: [a]}\n  a: {}\n");
    EXPECT_TRUE(loop.ok()) << all_diagnostics(loop);
    EXPECT_TRUE(has_warning(loop, "agents.l.max_iterations: not set: the loop stops after 10 rounds"));

    EXPECT_TRUE(has_error(load(L + "agents: {'bad id!': {}}"), "agents.bad id!: agent ids must be 1-64 characters"));
    EXPECT_TRUE(has_error(load(L + "agents: {a: {input_modes: [text]}}"),
                          "agents.a.input_modes[0]: \"text\" is not a MIME type"));
}

// Rule 6: HyDE needs its LLM; rerank and multi-query fall back to the agent's.
TEST(Validate, SearchLlms) {
    const std::string store = std::string(kLlm) +
                              "embedders: {e: {provider: ollama}}\ndocument_stores:\n  d:\n"
                              "    source: {path: ./d}\n";
    EXPECT_TRUE(has_error(load(store + "    search: {enable_hyde: true}"),
                          "document_stores.d.search.hyde_llm: enable_hyde requires hyde_llm"));
    Loaded fallback = load(store + "    search: {enable_rerank: true, enable_multi_query: true}");
    EXPECT_TRUE(fallback.ok()) << all_diagnostics(fallback);
}

// Rule 7: part of the JWT triple in the file is an error naming what is missing; none of it only warns.
TEST(Validate, AuthTriple) {
    Loaded partial = load("server: {auth: {enabled: true, jwks_url: 'https://idp/jwks', issuer: 'https://idp'}}");
    EXPECT_TRUE(has_error(partial,
                          "server.auth: jwks_url, issuer and audience must be set together (missing: "
                          "audience)"))
        << all_diagnostics(partial);
    Loaded full = load("server: {auth: {enabled: true, jwks_url: 'https://i/j', issuer: 'https://i', audience: a}}");
    EXPECT_TRUE(full.ok()) << all_diagnostics(full);
    EXPECT_TRUE(load("server: {auth: {enabled: true, api_keys: [k1]}}").ok());
    Loaded bare = load("server: {auth: {enabled: true}}");
    EXPECT_TRUE(bare.ok()) << all_diagnostics(bare);
    EXPECT_TRUE(has_warning(bare, "server.auth: enabled without"));
    // Off: the fields are not used, so nothing is checked.
    EXPECT_TRUE(load("server: {auth: {jwks_url: 'https://i/j'}}").ok());
}

// Rule 8: schedules need a valid 5-field cron; notifications need id, url and events.
TEST(Validate, Automations) {
    const std::string L(kLlm);
    for (std::string_view cron : {"*/5 * * * *", "0 9 * * 1-5", "0,30 8-18/2 1 1,6 0", "59 23 31 12 7"}) {
        Loaded l = load(L + "agents: {a: {trigger: {type: schedule, cron: '" + std::string(cron) + "'}}}");
        EXPECT_TRUE(l.ok()) << cron << "\n" << all_diagnostics(l);
    }
    for (std::string_view cron : {"* * * *", "60 * * * *", "*/0 * * * *", "0 9 * * MON", "0 0 32 * *", "5-1 * * * *",
                                  "99999999999999999999 * * * *", "*/99999999999999999999 * * * *", "@daily"}) {
        Loaded l = load(L + "agents: {a: {trigger: {type: schedule, cron: '" + std::string(cron) + "'}}}");
        EXPECT_TRUE(has_error(l, "agents.a.trigger.cron: invalid cron expression")) << cron << "\n"
                                                                                    << all_diagnostics(l);
    }
    EXPECT_TRUE(has_error(load(L + "agents: {a: {trigger: {type: schedule}}}"),
                          "agents.a.trigger.cron: schedule triggers need a cron expression"));
    EXPECT_TRUE(
        has_error(load(L + "agents: {a: {trigger: {cron: '* * * * *'}}}"), "agents.a.trigger.type: is required"));

    Loaded empty = load(L + "agents: {a: {notifications: [{type: webhook}]}}");
    EXPECT_TRUE(has_error(empty, "agents.a.notifications[0].id: is required")) << all_diagnostics(empty);
    EXPECT_TRUE(has_error(empty, "agents.a.notifications[0].url: is required"));
    EXPECT_TRUE(has_error(empty, "agents.a.notifications[0].events: is required"));
    EXPECT_TRUE(has_error(load(L + "agents: {a: {notifications: [{id: n, url: 'http://x', events: []}]}}"),
                          "agents.a.notifications[0].events: needs at least one event"));
    EXPECT_TRUE(has_error(load(L + "agents: {a: {notifications: [{id: n, url: 'ftp://x', events: [task.failed]}]}}"),
                          "agents.a.notifications[0].url: must be an http(s) URL"));
    EXPECT_TRUE(has_error(load(L + "agents: {a: {notifications: [{id: n, url: 'http://x', events: [task.done]}]}}"),
                          "agents.a.notifications[0].events[0]: must be one of task.started"));
    EXPECT_TRUE(has_error(load(L + "agents: {a: {notifications: [{id: n, url: 'http://x', events: [task.failed]}, "
                                   "{id: n, url: 'http://y', events: [task.failed]}]}}"),
                          "agents.a.notifications[1].id: another notification of this agent is also \"n\""));
    EXPECT_TRUE(has_error(load(L + "agents:\n  a: {trigger: {type: webhook, path: /hook}}\n"
                                   "  b: {trigger: {type: webhook, path: /hook}}\n"),
                          "agents.b.trigger.path: agent \"a\" already uses /hook"));
}

// Rule 10: the tool names an LLM agent ends up with are unique, as far as the config shows them.
TEST(Validate, ToolNamesAreUnique) {
    const std::string L(kLlm);
    const std::string store = "embedders: {e: {provider: ollama}}\ndocument_stores: {kb: {source: {path: ./d}}}\n";
    Loaded search = load(L + store + "agents:\n  a: {agent_tools: [search]}\n  search: {}\n");
    EXPECT_TRUE(has_error(search,
                          "agents.a.tools: tool name \"search\" is used twice: by agent tool \"search\" and by "
                          "the automatic document search tool"))
        << all_diagnostics(search);

    Loaded same = load(L +
                       "tools: {helper: {handler: web_fetch}}\nagents:\n  a: {tools: [helper], agent_tools: "
                       "[helper]}\n  helper: {}\n");
    EXPECT_TRUE(has_error(same, "agents.a.tools: tool name \"helper\" is used twice")) << all_diagnostics(same);

    Loaded mcp = load(L +
                      "tools:\n  fs: {type: mcp, command: x, filter: [read]}\n  fs_read: {handler: web_fetch}\n"
                      "agents: {a: {}}\n");
    EXPECT_TRUE(has_error(mcp, "agents.a.tools: tool name \"fs_read\" is used twice")) << all_diagnostics(mcp);

    Loaded transfer = load(L +
                           "tools: {transfer_to_b: {handler: web_fetch}}\nagents:\n  a: {sub_agents: [b]}\n"
                           "  b: {tools: []}\n");
    EXPECT_TRUE(has_error(transfer, "agents.a.tools: tool name \"transfer_to_b\" is used twice"))
        << all_diagnostics(transfer);

    // The explicit search tool and the automatic one are the same tool.
    Loaded ok = load(L + store + "agents: {a: {tools: [search, bash], document_stores: [kb]}}\n");
    EXPECT_TRUE(ok.ok()) << all_diagnostics(ok);
}

TEST(Validate, ToolEntries) {
    EXPECT_TRUE(has_error(load("tools: {t: {type: function}}"), "tools.t.handler: function tools need a handler"));
    EXPECT_TRUE(has_error(load("tools: {t: {handler: teleport}}"), "tools.t.handler: unknown handler \"teleport\""));
    EXPECT_TRUE(has_error(load("tools: {t: {type: mcp}}"), "tools.t: mcp tools need url or command"));
    EXPECT_TRUE(has_error(load("tools: {t: {type: mcp, url: 'http://x', transport: stdio}}"),
                          "tools.t.command: the stdio transport needs a command"));
    EXPECT_TRUE(has_error(load("tools: {'my tool': {handler: bash}}"), "tools.my tool: tool ids are tool names"));
    Loaded wrapper = load("tools: {sh: {type: command, allowed_commands: [ls, env]}}");
    EXPECT_TRUE(wrapper.ok()) << all_diagnostics(wrapper);
    EXPECT_TRUE(has_warning(wrapper, "tools.sh.allowed_commands: \"env\" can run any other command"));
}

TEST(Validate, Infrastructure) {
    EXPECT_TRUE(has_error(load("databases: {db: {database: x}}"), "databases.db.driver: is required"));
    EXPECT_TRUE(has_error(load("databases: {db: {driver: postgres}}"), "databases.db.database: is required"));
    EXPECT_TRUE(load("databases: {db: {driver: postgres, dsn: 'postgres://x'}}").ok());
    EXPECT_TRUE(has_error(load("rate_limiting: {limits: [{window: minute, limit: 5}]}"),
                          "rate_limiting.limits[0].type: is required"));
    EXPECT_TRUE(has_error(load("rate_limiting: {limits: [{type: count, window: minute}]}"),
                          "rate_limiting.limits[0].limit: must be at least 1"));
    EXPECT_TRUE(has_error(load("server: {tls: {enabled: true, cert_file: c.pem}}"), "server.tls: TLS needs cert_file"));
    EXPECT_TRUE(has_error(load("vector_stores: {q: {type: qdrant}}"), "vector_stores.q.host: qdrant needs a host"));
    EXPECT_TRUE(has_error(load("config: {provider: consul, address: 'localhost:8500', key: hector}"),
                          "config: remote config stores"));
    EXPECT_TRUE(has_error(load("version: 3"), "version: must be one of 2"));
}

// DECISIONS 34: traces go out as OTLP/HTTP; a gRPC endpoint is an error that points to the HTTP one.
TEST(Validate, TracingEndpointMustBeOtlpHttp) {
    for (std::string_view ep : {"localhost:4317", "collector.svc:4317", "grpc://collector:4317"}) {
        Loaded l = load("observability: {tracing: {enabled: true, endpoint: '" + std::string(ep) + "'}}");
        const Diagnostic* e =
            find_error(l, "observability.tracing.endpoint: \"" + std::string(ep) + "\" is an OTLP/gRPC");
        ASSERT_NE(e, nullptr) << ep << "\n" << all_diagnostics(l);
        EXPECT_NE(e->message.find("4318"), std::string::npos);
    }
    for (std::string_view ep : {"http://localhost:4318", "https://otel.example.com/v1/traces", "collector:4318"})
        EXPECT_TRUE(load("observability: {tracing: {enabled: true, endpoint: '" + std::string(ep) + "'}}").ok()) << ep;
    EXPECT_TRUE(load("observability: {tracing: {enabled: false, endpoint: 'localhost:4317'}}").ok());
    EXPECT_TRUE(load("observability: {tracing: {enabled: true, exporter: stdout}}").ok());
}

// The metrics' names must be ones Prometheus can parse (server.md §14.2): a bad config fails at validation.
TEST(Validate, MetricsNamesArePrometheusNames) {
    EXPECT_TRUE(load("observability: {metrics: {namespace: acme, subsystem: ai_v2, const_labels: {env: x}}}").ok());
    EXPECT_TRUE(has_error(load("observability: {metrics: {namespace: my-app}}"), "observability.metrics.namespace"));
    EXPECT_TRUE(has_error(load("observability: {metrics: {subsystem: 2nd}}"), "observability.metrics.subsystem"));
    EXPECT_TRUE(has_error(load("observability: {metrics: {const_labels: {'team name': x}}}"),
                          "observability.metrics.const_labels.team name"));
    EXPECT_TRUE(has_error(load("observability: {metrics: {const_labels: {__name__: x}}}"),
                          "observability.metrics.const_labels.__name__"));
}

}  // namespace
}  // namespace hector::config
