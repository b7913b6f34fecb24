// A real OAuth client against the gateway's /mcp: the official MCP TypeScript SDK
// (@modelcontextprotocol/sdk: Client, StreamableHTTPClientTransport, auth()) with an in-memory
// OAuthClientProvider, and a scripted "browser" that follows the authorization redirects and has
// the owner approve from the CLI (`clawgate devices approve <requestId>`).
//
// Run by scripts/mcp-oauth-client.sh, which installs the SDK next to a copy of this file, starts a
// gateway and sets:
//   CLAWGATE_MCP_URL    the gateway's MCP endpoint, e.g. http://127.0.0.1:PORT/mcp
//   CLAWGATE_STATE_DIR  the gateway's state dir (for `clawgate devices ... --state-dir`)
//   CLAWGATE_BIN        path to the ./clawgate launcher
//
// Steps (each prints a line; any failed expectation exits 1):
//   1. first connection, the SDK's documented pattern: client.connect() -> 401 -> discovery
//      (RFC 9728 + RFC 8414) -> dynamic registration (RFC 7591) -> authorization request (PKCE S256)
//      -> consent page -> CLI approval -> callback with code/state/iss -> transport.finishAuth(code)
//      (token request) -> connect again -> tools/list, tools/call
//   2. refresh: the SDK's auth() with a stored refresh token (refresh_token grant); the new access
//      token works, the refresh token is rotated
//   3. second authorization of the same client (same client_id, no tokens) for the same scopes: the
//      authorization endpoint redirects straight back with a code, no consent page, nothing pending
//   4. step-up: with a token lacking operator.write, messages_send gets 403 insufficient_scope; the
//      new authorization asks the owner only for operator.write; afterwards messages_send is no
//      longer refused (a tool-level error such as an unknown session is fine)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { auth, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";

const MCP_URL = new URL(need("CLAWGATE_MCP_URL"));
const STATE_DIR = need("CLAWGATE_STATE_DIR");
const CLAWGATE = need("CLAWGATE_BIN");
const ORIGIN = MCP_URL.origin;
const READ = "operator.read";
const WRITE = "operator.write";

function need(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return value;
}

// ---- step log -----------------------------------------------------------------------------------
let stepNo = 0;
function step(title) {
  stepNo += 1;
  console.log(`\n[${stepNo}] ${title}`);
}
function info(text) {
  console.log(`    ${text}`);
}
class ExpectationFailed extends Error {}
function expect(condition, what, detail) {
  if (!condition) {
    throw new ExpectationFailed(`${what}${detail === undefined ? "" : `: ${detail}`}`);
  }
  console.log(`    ok  ${what}`);
}
const short = (s) => (typeof s === "string" && s.length > 12 ? `${s.slice(0, 8)}…` : String(s));
const scopesOf = (s) => (s ?? "").split(" ").filter(Boolean).sort();
const sameSet = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// ---- HTTP log of what the SDK sends (observes, changes nothing) ---------------------------------
const exchanges = [];
async function loggingFetch(input, init) {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const method = init?.method ?? (input instanceof Request ? input.method : "GET");
  const response = await fetch(input, init);
  const record = { method, url, status: response.status, wwwAuthenticate: response.headers.get("www-authenticate") };
  exchanges.push(record);
  let body = "";
  if (method === "POST" && url.pathname === MCP_URL.pathname && typeof init?.body === "string") {
    try {
      const message = JSON.parse(init.body);
      body = message.method ? ` ${message.method}${message.params?.name ? ` ${message.params.name}` : ""}` : "";
    } catch {}
  } else if (url.pathname === "/oauth/token" && init?.body) {
    body = ` grant_type=${new URLSearchParams(String(init.body)).get("grant_type")}`;
  }
  const challenge = record.wwwAuthenticate ? `  WWW-Authenticate: ${record.wwwAuthenticate}` : "";
  info(`sdk  ${method} ${url.pathname}${body} -> ${response.status}${challenge}`);
  return response;
}
const mark = () => exchanges.length;
const since = (m) => exchanges.slice(m);

// ---- the gateway's CLI --------------------------------------------------------------------------
function clawgate(...args) {
  return execFileSync(CLAWGATE, [...args, "--state-dir", STATE_DIR], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
}
function pendingRequests() {
  return JSON.parse(clawgate("devices", "list", "--json")).pending ?? [];
}

// ---- the "browser": follows the authorization redirect, has the owner approve on the CLI --------
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The owner's browser keeps the gateway's cookies: a browser that completed an owner-approved
 * authorization of a client may sign that client in again without being asked.
 */
const cookieJar = new Map();
async function browserFetch(url) {
  const cookie = [...cookieJar].map(([name, value]) => `${name}=${value}`).join("; ");
  const response = await fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
  for (const line of response.headers.getSetCookie?.() ?? []) {
    const [pair] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq > 0) cookieJar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return response;
}

/**
 * Acts as the user agent for one authorization request. Returns what happened: whether the owner
 * was asked, the pending request (with the scopes it asked the owner for), and the callback's code.
 */
async function browse(authorizationUrl, provider) {
  const requested = authorizationUrl.searchParams.get("scope");
  info(`browser  GET ${authorizationUrl.pathname}?…scope=${requested ?? "(none)"}&client_id=${short(authorizationUrl.searchParams.get("client_id"))}`);
  const first = await browserFetch(authorizationUrl);
  let location = first.headers.get("location");
  if (first.status !== 303 && first.status !== 302) {
    throw new ExpectationFailed(`authorization endpoint answered ${first.status}, expected a redirect: ${await first.text()}`);
  }
  let target = new URL(location, authorizationUrl);
  const result = { requested, consent: false, request: undefined };
  if (!target.href.startsWith(provider.redirectUrl)) {
    result.consent = true;
    info(`browser  -> ${first.status} ${target.pathname}${target.search.replace(/=.*/, "=…")} (the owner must consent)`);
    const page = await browserFetch(target);
    const html = await page.text();
    const match = /clawgate devices approve ([0-9A-Za-z_-]+)/.exec(html);
    if (page.status !== 200 || !match) {
      throw new ExpectationFailed(`consent page ${page.status} without "clawgate devices approve <id>": ${html.slice(0, 300)}`);
    }
    const requestId = match[1];
    info(`browser  consent page names request ${requestId}`);
    result.request = pendingRequests().find((r) => r.requestId === requestId);
    if (!result.request) {
      throw new ExpectationFailed(`request ${requestId} is not in \`clawgate devices list --json\``);
    }
    info(`owner    devices list: kind=${result.request.kind} client=${result.request.displayName} asks scopes=${JSON.stringify(result.request.scopes)} holds=${JSON.stringify(result.request.approvedScopes ?? [])}`);
    if (provider.beforeApprove) {
      provider.beforeApprove(result);
    }
    info(`owner    $ clawgate devices approve ${requestId} --state-dir <dir>`);
    const out = clawgate("devices", "approve", requestId).trim();
    info(`owner    ${out.split("\n")[0]}`);
    const back = await browserFetch(target);
    location = back.headers.get("location");
    if (back.status !== 303 || !location) {
      throw new ExpectationFailed(`consent page after approval answered ${back.status}, expected 303 to the callback`);
    }
    target = new URL(location, target);
  }
  if (!target.href.startsWith(provider.redirectUrl)) {
    throw new ExpectationFailed(`redirected to ${target.href}, not to the client's redirect_uri ${provider.redirectUrl}`);
  }
  const params = target.searchParams;
  info(`browser  -> 303 ${target.origin}${target.pathname}?code=${short(params.get("code"))}&state=${short(params.get("state"))}&iss=${params.get("iss")}`);
  if (params.get("error")) {
    throw new ExpectationFailed(`authorization error: ${params.get("error")} ${params.get("error_description") ?? ""}`);
  }
  expect(params.get("code"), "callback carries a code");
  expect(params.get("state") === provider.lastState, "callback state equals the request's state");
  expect(params.get("iss") === ORIGIN, `callback iss equals the issuer ${ORIGIN}`, params.get("iss"));
  result.code = params.get("code");
  return result;
}

// ---- an in-memory OAuthClientProvider ------------------------------------------------------------
class MemoryProvider {
  constructor({ redirectUrl, clientName, scope, clientInformation }) {
    this._redirectUrl = redirectUrl;
    this._clientName = clientName;
    this._scope = scope;
    this._clientInformation = clientInformation;
    this._tokens = undefined;
    this._codeVerifier = undefined;
    this.lastState = undefined;
    this.authorizations = []; // what each redirectToAuthorization saw
  }
  get redirectUrl() {
    return this._redirectUrl;
  }
  get clientMetadata() {
    return {
      client_name: this._clientName,
      redirect_uris: [this._redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      scope: this._scope,
    };
  }
  state() {
    this.lastState = randomBytes(16).toString("base64url");
    return this.lastState;
  }
  clientInformation() {
    return this._clientInformation;
  }
  saveClientInformation(clientInformation) {
    this._clientInformation = clientInformation;
  }
  tokens() {
    return this._tokens;
  }
  saveTokens(tokens) {
    this._tokens = tokens;
  }
  saveCodeVerifier(codeVerifier) {
    this._codeVerifier = codeVerifier;
  }
  codeVerifier() {
    return this._codeVerifier;
  }
  invalidateCredentials(what) {
    if (what === "all" || what === "client") this._clientInformation = undefined;
    if (what === "all" || what === "tokens") this._tokens = undefined;
    if (what === "all" || what === "verifier") this._codeVerifier = undefined;
  }
  async redirectToAuthorization(authorizationUrl) {
    this.authorizations.push(await browse(authorizationUrl, this));
  }
  takeAuthorization() {
    const last = this.authorizations.at(-1);
    this.authorizations = [];
    return last;
  }
}

function newClient(provider) {
  const client = new Client({ name: "clawgate-oauth-check", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(MCP_URL, { authProvider: provider, fetch: loggingFetch });
  return { client, transport };
}

/** The SDK's documented pattern: connect, get UnauthorizedError, finishAuth(code), connect again. */
async function connectWithAuthorization(provider) {
  let { client, transport } = newClient(provider);
  let authorization;
  try {
    await client.connect(transport);
    throw new ExpectationFailed("connect() succeeded without an authorization");
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    info(`sdk  client.connect() threw UnauthorizedError (expected: authorization needed)`);
    authorization = provider.takeAuthorization();
    expect(authorization?.code, "the SDK sent the browser to the authorization endpoint and got a code back");
    await transport.finishAuth(authorization.code);
    info(`sdk  transport.finishAuth(code): access token ${short(provider.tokens()?.access_token)}, scope "${provider.tokens()?.scope}"`);
  }
  ({ client, transport } = newClient(provider));
  await client.connect(transport);
  info(`sdk  connected: server ${client.getServerVersion()?.name} ${client.getServerVersion()?.version}, session ${short(transport.sessionId)}`);
  return { client, transport, authorization };
}

async function callTool(client, name, args) {
  const result = await client.callTool({ name, arguments: args });
  const text = (result.content ?? []).map((c) => c.text ?? `[${c.type}]`).join(" ").replace(/\s+/g, " ");
  info(`sdk  tools/call ${name} -> ${result.isError ? "tool error" : "result"}: ${text.slice(0, 120)}`);
  return result;
}

// ---- the run ------------------------------------------------------------------------------------
async function main() {
  const redirectUrl = `http://127.0.0.1:${await freePort()}/callback`;
  // The gateway gives a registration with the same name and redirect URIs the same client (and its
  // consent); a name of its own per run keeps a rerun against the same state dir a first contact.
  const clientName = `clawgate SDK check ${randomBytes(3).toString("hex")}`;
  console.log(`MCP server ${MCP_URL.href}; client redirect_uri ${redirectUrl}`);

  // 1. first connection
  step("first connection: discovery -> registration -> authorization (owner approves on the CLI) -> token -> tools/call");
  const p1 = new MemoryProvider({ redirectUrl, clientName, scope: READ });
  let m = mark();
  const c1 = await connectWithAuthorization(p1);
  const flow = since(m);
  const paths = flow.map((e) => `${e.method} ${e.url.pathname} ${e.status}`);
  const first401 = flow.find((e) => e.url.pathname === MCP_URL.pathname && e.status === 401);
  expect(first401?.wwwAuthenticate?.includes(`resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource${MCP_URL.pathname}"`),
    "unauthenticated POST /mcp -> 401 naming the protected-resource metadata", first401?.wwwAuthenticate);
  expect(paths.some((p) => p.startsWith("GET /.well-known/oauth-protected-resource") && p.endsWith(" 200")), "protected-resource metadata discovered (RFC 9728)");
  expect(paths.some((p) => p === "GET /.well-known/oauth-authorization-server 200"), "authorization-server metadata discovered (RFC 8414)");
  expect(paths.some((p) => /^POST \/oauth\/register 20[01]$/.test(p)), "client registered dynamically (RFC 7591)", p1.clientInformation()?.client_id);
  expect(paths.some((p) => p === "POST /oauth/token 200"), "authorization code exchanged at the token endpoint");
  const a1 = c1.authorization;
  expect(a1.consent && a1.request?.kind === "oauth-client", "the owner was asked (pending request of kind oauth-client)");
  expect(sameSet(scopesOf(a1.request.scopes.join(" ")), scopesOf(a1.requested)), "the request asks the owner for the scopes in the authorization request", a1.requested);
  info(`the SDK requested scope "${a1.requested}" (${first401?.wwwAuthenticate?.includes("scope=") ? "the 401 challenge's scope" : "the 401 challenge names none, so all of the resource metadata's scopes_supported"})`);
  const granted1 = scopesOf(p1.tokens()?.scope);
  expect(sameSet(granted1, scopesOf(a1.requested)), "the token holds the requested scopes", p1.tokens()?.scope);
  const tools = (await c1.client.listTools()).tools.map((t) => t.name);
  info(`sdk  tools/list -> ${tools.join(", ")}`);
  expect(tools.includes("conversations_list"), "tools/list includes conversations_list");
  m = mark();
  await callTool(c1.client, "conversations_list", {});
  expect(since(m).every((e) => e.status !== 401 && e.status !== 403), "tools/call conversations_list accepted with the OAuth access token");

  // 2. refresh
  step("refresh: the SDK's auth() with the stored refresh token (refresh_token grant)");
  const before = { ...p1.tokens() };
  m = mark();
  const refreshed = await auth(p1, { serverUrl: MCP_URL, fetchFn: loggingFetch });
  const after = p1.tokens();
  expect(refreshed === "AUTHORIZED" && p1.authorizations.length === 0, "auth() returned AUTHORIZED without a new authorization request", refreshed);
  expect(since(m).some((e) => e.url.pathname === "/oauth/token" && e.status === 200), "token endpoint answered the refresh_token grant");
  expect(after.access_token !== before.access_token, "new access token", `${short(before.access_token)} -> ${short(after.access_token)}`);
  expect(after.refresh_token && after.refresh_token !== before.refresh_token, "refresh token rotated", `${short(before.refresh_token)} -> ${short(after.refresh_token)}`);
  expect(sameSet(scopesOf(after.scope), granted1), "same scopes after the refresh", after.scope);
  m = mark();
  await callTool(c1.client, "conversations_list", {});
  expect(since(m).every((e) => e.status !== 401 && e.status !== 403), "tools/call accepted with the refreshed access token");
  await c1.client.close();

  // 3. second authorization, same client, same scopes
  step("second authorization of the same client for the same scopes: no consent, no approval");
  const p2 = new MemoryProvider({ redirectUrl, clientName, scope: READ, clientInformation: p1.clientInformation() });
  p2.beforeApprove = () => {
    throw new ExpectationFailed("the owner was asked again for scopes that were already approved");
  };
  m = mark();
  const c2 = await connectWithAuthorization(p2);
  expect(!since(m).some((e) => e.url.pathname === "/oauth/register"), "no new registration: same client_id", p2.clientInformation().client_id);
  expect(c2.authorization.consent === false, "the authorization endpoint redirected straight to the redirect_uri with a code");
  expect(!pendingRequests().some((r) => r.clientId === p2.clientInformation().client_id), "nothing pending for this client in `clawgate devices list`");
  expect(sameSet(scopesOf(p2.tokens()?.scope), granted1), "the new token holds the same scopes", p2.tokens()?.scope);
  await callTool(c2.client, "conversations_list", {});

  // 4. step-up
  step("step-up: messages_send with a token lacking operator.write -> 403 insufficient_scope -> the owner is asked only for operator.write");
  let sp = p2;
  let sc = c2;
  if (scopesOf(p2.tokens()?.scope).includes(WRITE)) {
    // The first authorization already holds operator.write (the 401 named no scope, so the SDK asked
    // for all of scopes_supported). A second client that asks for least privilege, operator.read,
    // through the SDK's auth() with an explicit scope, gets a token that can show the step-up.
    info(`the first client already holds ${WRITE}; a second client "${clientName} (read-only)" asks for ${READ} only`);
    await c2.client.close();
    sp = new MemoryProvider({ redirectUrl, clientName: `${clientName} (read-only)`, scope: READ });
    const started = await auth(sp, { serverUrl: MCP_URL, scope: READ, fetchFn: loggingFetch });
    const a = sp.takeAuthorization();
    expect(started === "REDIRECT" && a?.consent && sameSet(scopesOf(a.request.scopes.join(" ")), [READ]), `the owner was asked for ${READ} only`, a?.request?.scopes);
    expect((await auth(sp, { serverUrl: MCP_URL, authorizationCode: a.code, fetchFn: loggingFetch })) === "AUTHORIZED", "code exchanged");
    sc = newClient(sp);
    await sc.client.connect(sc.transport);
    expect(sameSet(scopesOf(sp.tokens()?.scope), [READ]), `the token holds ${READ} only`, sp.tokens()?.scope);
  }
  const readTools = (await sc.client.listTools()).tools.map((t) => t.name);
  info(`sdk  tools/list -> ${readTools.join(", ")}`);
  expect(!readTools.includes("messages_send"), "tools/list without operator.write does not offer messages_send");
  const heldBefore = scopesOf(sp.tokens()?.scope);
  sp.beforeApprove = ({ request }) => {
    const asks = scopesOf(request.scopes.join(" "));
    const delta = [WRITE].filter((s) => !heldBefore.includes(s));
    expect(sameSet(asks, delta), `the pending request asks the owner only for the delta ${JSON.stringify(delta)}`, JSON.stringify(request.scopes));
  };
  const sendArgs = { session_key: "oauth-check-no-such-session", text: "hello from the MCP SDK OAuth check" };
  m = mark();
  let challenge;
  try {
    await callTool(sc.client, "messages_send", sendArgs);
    throw new ExpectationFailed("messages_send was not refused with the read-only token");
  } catch (error) {
    if (error instanceof ExpectationFailed) throw error;
    const refused = since(m).find((e) => e.status === 403);
    expect(refused?.wwwAuthenticate?.includes('error="insufficient_scope"'), "messages_send -> 403 insufficient_scope", refused?.wwwAuthenticate);
    challenge = /scope="([^"]*)"/.exec(refused.wwwAuthenticate)?.[1];
    expect(scopesOf(challenge).includes(WRITE) && heldBefore.every((s) => scopesOf(challenge).includes(s)),
      `the challenge's scope names what the token holds plus ${WRITE}`, challenge);
    const a = sp.takeAuthorization();
    if (error instanceof UnauthorizedError && a?.code) {
      // An SDK that re-authorizes on 403 by itself ends here, with the code to exchange.
      info("sdk  the SDK re-authorized with the challenged scope by itself");
      await sc.transport.finishAuth(a.code);
    } else {
      // SDK 1.32.2: the transport calls auth() with the challenged scope, but auth() prefers the
      // stored refresh token; a refresh cannot widen the scope (RFC 6749 §6), the retry gets the
      // same 403, and the transport gives up ("403 after trying upscoping"; typescript-sdk #2255).
      // The application then does what the SDK should: drop the tokens and authorize again for
      // the challenged scope with the SDK's own auth().
      expect(error instanceof StreamableHTTPError && error.code === 403, "the SDK surfaced the 403 (it refreshed instead of re-authorizing: typescript-sdk#2255)", String(error));
      info("app  tokens dropped; auth() again with the challenged scope");
      sp.invalidateCredentials("tokens");
      const started = await auth(sp, { serverUrl: MCP_URL, scope: challenge, fetchFn: loggingFetch });
      const b = sp.takeAuthorization();
      expect(started === "REDIRECT" && b?.code, "a new authorization request for the challenged scope got a code");
      expect(b.consent, "the owner was asked (for the added scope)");
      expect((await auth(sp, { serverUrl: MCP_URL, authorizationCode: b.code, fetchFn: loggingFetch })) === "AUTHORIZED", "code exchanged");
    }
  }
  const grantedUp = scopesOf(sp.tokens()?.scope);
  expect(sameSet(grantedUp, scopesOf(challenge)), "the new token holds the old scopes and operator.write", sp.tokens()?.scope);
  m = mark();
  try {
    await callTool(sc.client, "messages_send", sendArgs);
  } catch (error) {
    info(`sdk  messages_send -> ${String(error)}`);
    if (error instanceof StreamableHTTPError || error instanceof UnauthorizedError) throw error;
  }
  expect(since(m).every((e) => e.status !== 401 && e.status !== 403), "messages_send is no longer refused (no 401/403)");
  const upTools = (await sc.client.listTools()).tools.map((t) => t.name);
  expect(upTools.includes("messages_send"), "tools/list of the same MCP session now offers messages_send", sc.transport.sessionId && short(sc.transport.sessionId));
  await sc.client.close();
  console.log("\nall steps passed");
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`\nFAILED: ${error instanceof ExpectationFailed ? error.message : (error?.stack ?? error)}`);
    if (error?.stderr) console.error(String(error.stderr));
    process.exit(1);
  },
);
