// A real OpenID Connect provider (panva's oidc-provider) on loopback, for eCabinet's single
// sign-on tests. Started by tests/oidc/conftest.py:
//
//   node provider.mjs <config.json>
//
// config.json: {"port": 0, "client": {"client_id", "client_secret", "redirect_uris",
// "post_logout_redirect_uris"}, "accounts": {"<sub>": {claims...}}}. The provider listens on
// 127.0.0.1 (port 0 = any free port) and prints one line "READY <issuer>" when it accepts requests.
//
// Sign-in is a plain form (the subject's identifier, no password) that also grants consent, so a
// browser or an HTTP client can log in without a human. The end-session page submits itself, so
// RP-initiated logout returns to the relying party's post_logout_redirect_uri.

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts;

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

function readForm(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(data))));
    req.on('error', reject);
  });
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };

async function start() {
  // The issuer needs the port: listen first, then build the provider.
  const server = createServer();
  await new Promise((resolve) => server.listen(config.port || 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const provider = new Provider(issuer, {
    clients: [{
      ...config.client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    jwks: { keys: [signingKey] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    // Every authorization request must carry a PKCE challenge (S256): the relying party's PKCE is tested.
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page('Đăng xuất', `${form}<input type="hidden" form="op.logoutForm" name="logout" value="yes">
<script>document.getElementById('op.logoutForm').submit();</script>`);
        },
      },
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-cookie-key-not-secret'] },
    findAccount: async (ctx, sub) => {
      if (!accounts[sub]) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) };
    },
    // Nothing is kept between test runs; the tokens only need to outlive one test.
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
  });

  const handle = provider.callback();
  server.on('request', async (req, res) => {
    const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
    if (!match) {
      handle(req, res);
      return;
    }
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(page('Cổng đăng nhập một cửa (thử nghiệm)', `
<form method="post" action="/interaction/${escape(details.uid)}/login">
<label for="sub">Mã định danh</label> <input id="sub" name="sub" autocomplete="off" required>
<button type="submit">Đăng nhập</button></form>`));
        return;
      }
      const form = await readForm(req);
      const sub = form.sub || '';
      if (!accounts[sub]) {
        res.statusCode = 400;
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(page('Không có định danh này', `<p>${escape(sub)}</p>`));
        return;
      }
      const { params } = details;
      const grant = new provider.Grant({ accountId: sub, clientId: params.client_id });
      grant.addOIDCScope(String(params.scope || 'openid'));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId: sub }, consent: { grantId } }, {
        mergeWithLastSubmission: false,
      });
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  });

  process.stdout.write(`READY ${issuer}\n`);
}

start().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
