// Verifies an app token issued by Hector with an independent JOSE implementation (npm `jose`, DECISIONS 11):
//   1. start `hector serve --auth-secret …`, create an app through the admin API;
//   2. fetch GET /admin/jwks and verify the access token with jose (ES256, iss "hector", header kid);
//   3. check the claims (sub == tenant_id == app id, ver, iat, jti) and that tampered tokens fail.
// Usage: node jwt-check.mjs <path to the hector binary>. Exits non-zero on any failure.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";

let jose;
try {
  jose = await import("jose");
} catch (e) {
  console.error(`jwt-check: cannot load jose (${e.code ?? e.message}); run \`npm ci\` in tests/node first`);
  process.exit(1);
}

const hectorBin = process.argv[2];
if (!hectorBin) {
  console.error("usage: node jwt-check.mjs <hector>");
  process.exit(2);
}

const secret = "jwt-check-admin-secret";
const dir = mkdtempSync(join(tmpdir(), "hector-jwt-check-"));
let child;

function start() {
  return new Promise((resolve, reject) => {
    child = spawn(hectorBin, ["serve", "--host", "127.0.0.1", "--port", "0", "--auth-secret", secret, "--ephemeral"], {
      cwd: dir,
      env: { ...process.env, HOME: dir, OPENAI_API_KEY: "", ANTHROPIC_API_KEY: "", GEMINI_API_KEY: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`hector did not start:\n${out}`)), 20000);
    const onData = (d) => {
      out += d.toString();
      const m = out.match(/listening on http:\/\/[^\s:]+:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`hector exited with ${code}:\n${out}`)));
  });
}

let failed = false;
try {
  const port = await start();
  const base = `http://127.0.0.1:${port}`;

  const created = await fetch(`${base}/admin/apps`, {
    method: "POST",
    headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "jose-check", config_json: JSON.stringify({ agents: {} }) }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { app, access_token: token, token_type, issuer } = await created.json();
  assert.equal(token_type, "bearer");
  assert.equal(issuer, "hector");

  const jwksResponse = await fetch(`${base}/admin/jwks`);
  assert.equal(jwksResponse.status, 200);
  assert.equal(jwksResponse.headers.get("cache-control"), "public, max-age=300");
  const jwks = await jwksResponse.json();
  const keySet = jose.createLocalJWKSet(jwks);

  // The verification proper: jose picks the key by kid and checks the ES256 signature and the issuer.
  const { payload, protectedHeader } = await jose.jwtVerify(token, keySet, { issuer: "hector", algorithms: ["ES256"] });
  assert.deepEqual(protectedHeader, { alg: "ES256", typ: "JWT", kid: "hector-key-1" });
  assert.equal(payload.sub, app.id);
  assert.equal(payload.tenant_id, app.id);
  assert.equal(typeof payload.ver, "number");
  assert.equal(typeof payload.iat, "number");
  assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 300, "iat is now");
  assert.match(payload.jti, /^[0-9a-f-]{36}$/);
  assert.equal(payload.exp, undefined, "no exp without app_token_ttl");

  // The same key, imported on its own, also verifies the compact JWS.
  const key = await jose.importJWK(jwks.keys[0], "ES256");
  await jose.compactVerify(token, key);

  // Tampering is detected by jose too.
  const [h, p, s] = token.split(".");
  const forgedPayload = Buffer.from(JSON.stringify({ ...payload, sub: "someone-else" })).toString("base64url");
  await assert.rejects(jose.jwtVerify(`${h}.${forgedPayload}.${s}`, keySet, { issuer: "hector" }));
  const flipped = s.slice(0, -2) + (s.at(-2) === "A" ? "B" : "A") + s.at(-1);
  await assert.rejects(jose.jwtVerify(`${h}.${p}.${flipped}`, keySet, { issuer: "hector" }));
  await assert.rejects(jose.jwtVerify(token, keySet, { issuer: "someone-else" }));

  // A token jose signs with a fresh key under Hector's kid is refused by Hector (the admin API says 401, not 403).
  const { privateKey } = await jose.generateKeyPair("ES256");
  const foreign = await new jose.SignJWT({ ...payload })
    .setProtectedHeader({ alg: "ES256", typ: "JWT", kid: "hector-key-1" })
    .sign(privateKey);
  const refused = await fetch(`${base}/admin/apps`, { headers: { Authorization: `Bearer ${foreign}` } });
  assert.equal(refused.status, 401);
  const accepted = await fetch(`${base}/admin/apps`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(accepted.status, 403, "a valid app token is authenticated but not an admin");

  console.log("jwt-check: an issued app token verifies with jose against /admin/jwks");
} catch (e) {
  failed = true;
  console.error(`jwt-check: ${e.stack ?? e}`);
} finally {
  if (child && child.exitCode === null) child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
