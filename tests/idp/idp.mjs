// A real OpenID Connect provider (npm oidc-provider) for the single sign-on tests and local demos.
//
//   node idp.mjs --port 9000
//
// Issuer http://127.0.0.1:PORT. Authorization code flow with PKCE (S256) required, a login form of its
// own (a wrong password fails, "Cancel" returns access_denied), consent granted for the first-party
// clients, RP-initiated logout. The test accounts carry email, name, an `opd` claim and `groups`.
//
// Besides the well-behaved client `kotacerdas`, some clients misbehave on purpose, the way a broken or
// hostile provider would: their ID tokens carry a wrong issuer, audience or nonce, are expired, or have a
// broken signature. Redirect URIs are accepted on loopback addresses only: this provider is for tests
// and demos on one machine, never for real accounts.
import { parseArgs } from "node:util";

import * as jose from "jose";
import Provider from "oidc-provider";

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: "9000" },
    host: { type: "string", default: "127.0.0.1" },
  },
});
const issuer = `http://${args.host}:${args.port}`;
const PASSWORD = "kotacerdas-idp";
const CLIENT_SECRET = "kotacerdas-idp-client-secret";

// sub -> claims. Emails and OPD codes match the demo tenants (app/data/demo.yaml).
const ACCOUNTS = {
  "palopo-disdik": {
    email: "operator.disdik@palopo.go.id", name: "Rina Operator DISDIK", opd: "DISDIK", groups: ["opd"],
  },
  "palopo-bappeda": {
    email: "perencana@palopo.go.id", name: "Andi Perencana", opd: "BAPPEDA", groups: ["bappeda", "opd"],
  },
  "palopo-kominfo": {
    email: "kominfo@palopo.go.id", name: "Sari Diskominfo", opd: "DISKOMINFO", groups: ["diskominfo-admin"],
  },
  "palopo-no-opd": {
    email: "operator.lain@palopo.go.id", name: "Operator Tanpa OPD", opd: "DINAS-TIDAK-ADA", groups: ["opd"],
  },
  "palopo-staff": { email: "staf@palopo.go.id", name: "Staf Lama", opd: "DLH", groups: ["opd"] },
  "palopo-unverified": {
    email: "staf@palopo.go.id", email_verified: false, name: "Belum Terverifikasi", opd: "DLH", groups: ["opd"],
  },
  outsider: { email: "warga@mail.example", name: "Warga Luar", opd: "DISDIK", groups: ["opd"] },
  "balikpapan-dlh": {
    email: "operator.dlh@balikpapan.go.id", name: "Budi Operator DLH", opd: "DLH", groups: ["opd"],
  },
  "ppu-dlh": { email: "operator.dlh@penajamkab.go.id", name: "Dewi Operator DLH", opd: "DLH", groups: ["opd"] },
  "komdigi-asesor": {
    email: "asesor@komdigi.go.id", name: "Asesor Komdigi", groups: ["evaluator"],
  },
  "komdigi-direktorat": {
    email: "direktorat@komdigi.go.id", name: "Direktorat Komdigi", groups: ["ministry-admin"],
  },
};

// client_id -> how its ID tokens are spoiled (undefined: not at all).
const CLIENTS = {
  kotacerdas: undefined,
  "kc-wrong-issuer": "issuer",
  "kc-wrong-audience": "audience",
  "kc-wrong-nonce": "nonce",
  "kc-expired": "expired",
  "kc-bad-signature": "signature",
};

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//;

function account(sub) {
  const data = ACCOUNTS[sub];
  if (!data) return undefined;
  return {
    accountId: sub,
    async claims() {
      return {
        sub,
        email: data.email,
        email_verified: data.email_verified ?? true,
        name: data.name,
        ...(data.opd ? { opd: data.opd } : {}),
        groups: data.groups,
      };
    },
  };
}

const signingKey = await jose.generateKeyPair("RS256", { extractable: true });
const privateJwk = { ...(await jose.exportJWK(signingKey.privateKey)), kid: "idp-1", alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  clients: Object.keys(CLIENTS).map((clientId) => ({
    client_id: clientId,
    client_secret: CLIENT_SECRET,
    client_name: "Kota Cerdas",
    redirect_uris: ["http://127.0.0.1/sso/callback"],
    post_logout_redirect_uris: ["http://127.0.0.1/"],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  })),
  jwks: { keys: [privateJwk] },
  // A key of its own per port: two providers on 127.0.0.1 share the browser's cookie jar.
  cookies: { keys: [`kota-cerdas-test-idp-${args.port}`] },
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
    opd: ["opd"],
    groups: ["groups"],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource },
  },
  findAccount: async (ctx, sub) => account(sub),
  // First-party clients: consent is implied, so a login is one form.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile opd groups");
    await grant.save();
    return grant;
  },
});
provider.proxy = false;

// Any loopback redirect is accepted (the app under test listens on a port chosen at random).
provider.Client.prototype.redirectUriAllowed = (uri) => LOOPBACK.test(uri);
provider.Client.prototype.postLogoutRedirectUriAllowed = (uri) => LOOPBACK.test(uri);

async function logoutSource(ctx, form) {
  ctx.body = page("Log out", `<p>Log out of the test provider?</p>${form}
    <button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, log me out</button>`);
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title>
    <meta name="viewport" content="width=device-width, initial-scale=1"></head>
    <body><h1>${escape(title)}</h1>${body}</body></html>`;
}

function loginForm(uid, error = "") {
  return page("Test provider login", `${error ? `<p role="alert">${escape(error)}</p>` : ""}
    <form method="post" action="/interaction/${uid}/login">
      <label>Username <input name="login" id="login" autocomplete="username" required></label>
      <label>Password <input name="password" id="password" type="password" required></label>
      <button type="submit" id="idp-submit">Log in</button>
    </form>
    <form method="post" action="/interaction/${uid}/abort"><button type="submit" id="idp-cancel">Cancel</button></form>`);
}

async function formBody(ctx) {
  let raw = "";
  for await (const chunk of ctx.req) raw += chunk;
  return Object.fromEntries(new URLSearchParams(raw));
}

async function finish(ctx, result) {
  ctx.status = 303;
  ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
}

// The login form: GET /interaction/:uid, POST /interaction/:uid/login, POST /interaction/:uid/abort.
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)(?:\/(login|abort))?$/);
  if (!match) return next();
  const [, uid, action] = match;
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) ctx.throw(400, "interaction mismatch");
  ctx.type = "html";
  if (ctx.method === "GET" && !action) {
    ctx.body = loginForm(uid);
  } else if (ctx.method === "POST" && action === "login") {
    const { login, password } = await formBody(ctx);
    if (!ACCOUNTS[login] || password !== PASSWORD) {
      ctx.status = 401;
      ctx.body = loginForm(uid, "Wrong username or password.");
      return;
    }
    await finish(ctx, { login: { accountId: login } });
  } else if (ctx.method === "POST" && action === "abort") {
    await finish(ctx, { error: "access_denied", error_description: "End-User aborted interaction" });
  } else {
    ctx.throw(405);
  }
});

// The misbehaving clients: spoil the ID token on its way out of the token endpoint.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== "/token" || ctx.status !== 200 || !ctx.body?.id_token) return;
  const quirk = CLIENTS[ctx.oidc?.client?.clientId];
  if (quirk) ctx.body = { ...ctx.body, id_token: await spoil(ctx.body.id_token, quirk) };
});

async function spoil(idToken, quirk) {
  const claims = jose.decodeJwt(idToken);
  if (quirk === "signature") {
    const [header, , signature] = idToken.split(".");
    const payload = Buffer.from(JSON.stringify({ ...claims, email: "someone.else@palopo.go.id" }));
    return `${header}.${payload.toString("base64url")}.${signature}`;
  }
  const changes = {
    issuer: { iss: "http://127.0.0.1:1/another-issuer" },
    audience: { aud: "another-client" },
    nonce: { nonce: "not-the-nonce-you-sent" },
    expired: { iat: claims.iat - 7200, exp: claims.iat - 3600 },
  }[quirk];
  return new jose.SignJWT({ ...claims, ...changes })
    .setProtectedHeader({ alg: "RS256", kid: privateJwk.kid, typ: "JWT" })
    .sign(signingKey.privateKey);
}

provider.listen(Number(args.port), args.host, () => {
  console.log(`oidc-provider listening on ${issuer}, check ${issuer}/.well-known/openid-configuration`);
});
