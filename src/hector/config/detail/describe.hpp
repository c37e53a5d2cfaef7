#pragma once

// Field-by-field description of every config struct. Included only by the visitors' .cpp files
// (yaml_reader users, schema.cpp, printer.cpp): the same list drives loading, the JSON Schema and printing.
// One `describe(v, struct)` per struct calls v("key", member, {.doc, .one_of, .min, .max, ...}) for each field.

#include "hector/config/detail/describe_agents.hpp"
#include "hector/config/detail/describe_infra.hpp"
#include "hector/config/detail/describe_rag.hpp"
#include "hector/config/detail/field.hpp"
#include "hector/config/model.hpp"

namespace hector::config {

template <class V>
void describe(V& v, Config& c) {
    v("version", c.version, {.doc = "Config format version; \"2\" (assumed when missing)", .one_of = {"2"}});
    v("name", c.name, {.doc = "Project name"});
    v("description", c.description, {.doc = "Project description"});
    v("defaults", c.defaults, {.doc = "Defaults for agents"});
    v("llms", c.llms, {.doc = "LLM providers by id"});
    v("agents", c.agents,
      {.doc = "Agents by id; the first non-private one serves the default agent card",
       .key_pattern = "^[A-Za-z0-9_-]{1,64}$"});
    v("tools", c.tools, {.doc = "Tools by id (built-in tools can be used without an entry)"});
    v("databases", c.databases, {.doc = "SQL connections by id"});
    v("embedders", c.embedders, {.doc = "Embedding providers by id"});
    v("vector_stores", c.vector_stores, {.doc = "Vector stores by id"});
    v("document_stores", c.document_stores, {.doc = "RAG document stores by id"});
    v("guardrails", c.guardrails, {.doc = "Guardrail sets by id"});
    v("server", c.server, {.doc = "Network, security and limits"});
    v("storage", c.storage, {.doc = "Persistence of tasks, sessions and memory"});
    v("queue", c.queue, {.doc = "Background job queue"});
    v("rate_limiting", c.rate_limiting, {.doc = "Request and token limits"});
    v("observability", c.observability, {.doc = "Tracing and metrics"});
    v("logger", c.logger, {.doc = "Logging"});
    v("config", c.config, {.doc = "Remote config store (consul, etcd, zookeeper); not supported by this build"});
}

}  // namespace hector::config
