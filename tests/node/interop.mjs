// Drives Hector with the official A2A JavaScript SDK (@a2a-js/sdk, pinned in package-lock.json):
// card resolution, send, stream, get, cancel, resubscribe, and error mapping.
// Usage: node interop.mjs <hector binary> <fake_openai_server binary>
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { ClientFactory } from "@a2a-js/sdk/client";

const [hectorBin, fakeBin] = process.argv.slice(2);
if (!hectorBin || !fakeBin) {
  console.error("usage: node interop.mjs <hector> <fake_openai_server>");
  process.exit(2);
}

const children = [];
function start(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start:\n${out}`)), 20000);
    const onData = (d) => {
      out += d.toString();
      const m = out.match(/listening on http:\/\/[^\s:]+:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${cmd} exited with ${code}:\n${out}`)));
  });
}

const dir = mkdtempSync(join(tmpdir(), "hector-interop-"));
let failed = false;
try {
  const fake = await start(fakeBin, [], {});
  writeFileSync(
    join(dir, "config.yaml"),
    `llms:
  default:
    provider: openai
    model: gpt-4o
    api_key: sk-interop
    base_url: http://127.0.0.1:${fake.port}/v1
agents:
  assistant:
    name: Interop Assistant
    description: Answers through the fake model
server:
  outbound:
    allow_private_networks: true
`,
  );
  const hector = await start(hectorBin, ["-c", "config.yaml", "serve", "--host", "127.0.0.1", "--port", "0"], {
    cwd: dir,
    env: { ...process.env, HOME: dir, OPENAI_API_KEY: "" },
  });
  const base = `http://127.0.0.1:${hector.port}`;

  const client = await new ClientFactory().createFromUrl(base);
  const message = (text, extra = {}) => ({
    message: { kind: "message", messageId: crypto.randomUUID(), role: "user", parts: [{ kind: "text", text }], ...extra },
  });

  // Card resolution picked the right agent and endpoint.
  const card = await (await fetch(`${base}/.well-known/agent-card.json`)).json();
  assert.equal(card.name, "Interop Assistant");
  assert.equal(card.protocolVersion, "0.3.0");

  // Blocking send.
  const sent = await client.sendMessage(message("hello"));
  assert.equal(sent.kind, "task");
  assert.equal(sent.status.state, "completed");
  assert.equal(sent.artifacts[0].parts[0].text, "fake: hello");

  // Stream: a Task first, artifact chunks, a final completed status.
  const events = [];
  for await (const e of client.sendMessageStream(message("stream please"))) events.push(e);
  assert.equal(events[0].kind, "task");
  const text = events
    .filter((e) => e.kind === "artifact-update")
    .flatMap((e) => e.artifact.parts)
    .map((p) => p.text)
    .join("");
  assert.equal(text, "fake: stream please");
  const last = events.at(-1);
  assert.equal(last.kind, "status-update");
  assert.equal(last.final, true);
  assert.equal(last.status.state, "completed");

  // Get.
  const got = await client.getTask({ id: sent.id, historyLength: 1 });
  assert.equal(got.id, sent.id);
  assert.equal(got.history.length, 1);

  // Cancel a running task.
  const slow = await client.sendMessage({ ...message("slow cancel me"), configuration: { blocking: false } });
  assert.ok(["submitted", "working"].includes(slow.status.state), slow.status.state);
  const canceled = await client.cancelTask({ id: slow.id });
  assert.equal(canceled.status.state, "canceled");
  assert.equal((await client.getTask({ id: slow.id })).status.state, "canceled");

  // Resubscribe to a running task: follow it to the end.
  const running = await client.sendMessage({ ...message("slow follow me"), configuration: { blocking: false } });
  const followed = [];
  for await (const e of client.resubscribeTask({ id: running.id })) followed.push(e);
  assert.ok(followed.length >= 2, `only ${followed.length} events`);
  assert.equal(followed.at(-1).status.state, "completed");

  // Errors map to the SDK's typed errors.
  await assert.rejects(client.getTask({ id: "no-such-task" }), (e) => /not found/i.test(e.message));
  await assert.rejects(client.cancelTask({ id: sent.id }), (e) => /cancel/i.test(e.message));

  console.log("interop: all checks passed");
} catch (e) {
  failed = true;
  console.error("interop failed:", e);
} finally {
  for (const c of children) c.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
