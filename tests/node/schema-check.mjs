// Checks `hector schema` with a real JSON Schema validator (ajv, draft-07):
//   1. the schema compiles, and `schema --compact` prints the same document;
//   2. every YAML file in <repo>/config/ validates (${VAR} placeholders stay strings, as the schema allows);
//   3. deliberately wrong configs are rejected at the right place.
// Usage: node schema-check.mjs [path/to/hector]   (or set HECTOR_BINARY). Exits non-zero on any failure.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");

function fail(message) {
  console.error(`schema-check: ${message}`);
  process.exit(1);
}

let Ajv, yaml;
try {
  Ajv = (await import("ajv")).default;
  yaml = (await import("js-yaml")).default;
} catch (e) {
  fail(`cannot load ajv/js-yaml (${e.code ?? e.message}); run \`npm ci\` in ${here} first`);
}

const binary = process.argv[2] ?? process.env.HECTOR_BINARY;
if (!binary) fail("usage: node schema-check.mjs <path to the hector binary> (or set HECTOR_BINARY)");
if (!existsSync(binary)) fail(`hector binary not found at ${binary} (build the hector target first)`);

function runSchema(args) {
  let out;
  try {
    out = execFileSync(binary, ["schema", ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    fail(`\`${binary} schema ${args.join(" ")}\` failed: ${e.stderr || e.message}`);
  }
  try {
    return JSON.parse(out);
  } catch (e) {
    fail(`\`hector schema ${args.join(" ")}\` did not print JSON: ${e.message}`);
  }
}

const schema = runSchema([]);
const compact = runSchema(["--compact"]);
if (JSON.stringify(schema) !== JSON.stringify(compact)) fail("`schema` and `schema --compact` print different schemas");
if (schema.$schema !== "http://json-schema.org/draft-07/schema#") fail(`not a draft-07 schema: $schema = ${schema.$schema}`);

const ajv = new Ajv({ strict: false, allErrors: true });
let validate;
try {
  validate = ajv.compile(schema);
} catch (e) {
  fail(`ajv cannot compile the schema: ${e.message}`);
}

const failures = [];
const describeErrors = (errors) =>
  (errors ?? []).map((e) => `    ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`).join("\n");

// 2. The example configs shipped in config/.
const configDir = join(repo, "config");
const files = existsSync(configDir) ? readdirSync(configDir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
if (files.length === 0) failures.push(`no YAML files in ${configDir}`);
for (const file of files) {
  let doc;
  try {
    doc = yaml.load(readFileSync(join(configDir, file), "utf8"));
  } catch (e) {
    failures.push(`config/${file}: not valid YAML: ${e.message}`);
    continue;
  }
  if (!validate(doc)) failures.push(`config/${file} does not match the schema:\n${describeErrors(validate.errors)}`);
  else console.log(`ok   config/${file}`);
}

// 3. Wrong configs, each a valid base with one mistake; the errors must point at the mistake.
const base = {
  version: "2",
  llms: { default: { provider: "openai", model: "gpt-4o", api_key: "${OPENAI_API_KEY}", temperature: 0.2 } },
  agents: { assistant: { llm: "default", visibility: "public" } },
  server: { port: "${PORT}" },
};
if (!validate(base)) failures.push(`the valid base config is rejected:\n${describeErrors(validate.errors)}`);

// Shapes the loader accepts must pass the schema too.
const variants = [
  { name: "version as a number", edit: (c) => (c.version = 2) },
  { name: "${VAR} in a choice and a duration", edit: (c) => Object.assign(c.llms.default, { provider: "${PROVIDER}", timeout: "${LLM_TIMEOUT:2m}" }) },
  { name: "durations as text and seconds", edit: (c) => (c.queue = { task_timeout: "5m30s", lease_timeout: 60 }) },
  { name: "one value where a list is expected", edit: (c) => (c.server.cors = { allowed_origins: "*" }) },
  { name: "inline child agents", edit: (c) => (c.agents.assistant.agents = { child: { instruction: "hi", agents: { grandchild: {} } } }) },
  { name: "legacy server.observability", edit: (c) => (c.server.observability = { metrics: { enabled: true } }) },
  { name: "aliases", edit: (c) => (c.databases = { main: { type: "sqlite", path: "x.db", max_open_conns: 5 } }) },
];
for (const v of variants) {
  const config = structuredClone(base);
  v.edit(config);
  if (!validate(config)) failures.push(`rejected a config the loader accepts (${v.name}):\n${describeErrors(validate.errors)}`);
  else console.log(`ok   accepts ${v.name}`);
}

const mistakes = [
  { name: "unknown key inside an inline agent", path: "/agents/assistant/agents/child", edit: (c) => (c.agents.assistant.agents = { child: { colour: 1 } }) },
  { name: 'port: "eighty"', path: "/server/port", edit: (c) => (c.server.port = "eighty") },
  { name: 'visibility: "secret"', path: "/agents/assistant/visibility", edit: (c) => (c.agents.assistant.visibility = "secret") },
  {
    name: "unknown top-level key",
    path: "",
    edit: (c) => (c.mystery = { a: 1 }),
    check: (errors) => errors.some((e) => e.keyword === "additionalProperties" && e.params.additionalProperty === "mystery"),
  },
  { name: "temperature: 5", path: "/llms/default/temperature", edit: (c) => (c.llms.default.temperature = 5) },
  { name: "max_tokens: 0", path: "/llms/default/max_tokens", edit: (c) => (c.llms.default.max_tokens = 0) },
  { name: "unknown agent key", path: "/agents/assistant", edit: (c) => (c.agents.assistant.colour = "blue") },
];
for (const m of mistakes) {
  const config = structuredClone(base);
  m.edit(config);
  if (validate(config)) {
    failures.push(`accepted a wrong config (${m.name})`);
    continue;
  }
  const errors = validate.errors ?? [];
  const pointed = m.check ? m.check(errors) : errors.some((e) => e.instancePath === m.path);
  if (!pointed) failures.push(`rejected ${m.name}, but no error points at "${m.path || "/"}":\n${describeErrors(errors)}`);
  else console.log(`ok   rejects ${m.name}`);
}

if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log(`schema-check: ${files.length} config files valid, ${mistakes.length} wrong configs rejected`);
