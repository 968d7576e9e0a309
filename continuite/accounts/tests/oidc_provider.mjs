// A real OpenID Connect provider for the tests (npm oidc-provider, panva): one client, a directory of
// ENT identities with their claims, and a small login form that checks the password.
//
//   node oidc_provider.mjs --client-id ID --secret SECRET --redirect-uri URI --accounts FILE [--port N]
//
// FILE holds {"<sub>": {"password": "...", "claims": {"email": ..., "email_verified": ..., ...}}}.
// With --port 0 (the default) the system picks a free port. Once listening, the script prints one
// line of JSON on stdout, {"issuer": "http://127.0.0.1:<port>"}, and serves until it is stopped.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'client-id': { type: 'string' },
    secret: { type: 'string' },
    'redirect-uri': { type: 'string' },
    accounts: { type: 'string' },
  },
});
for (const name of ['client-id', 'secret', 'redirect-uri', 'accounts']) {
  if (!args[name]) {
    process.stderr.write(`--${name} is required\n`);
    process.exit(2);
  }
}
const directory = JSON.parse(readFileSync(args.accounts, 'utf8'));

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error = '') {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>ENT de test : connexion</title></head>
<body><main>
<h1>ENT de test : connexion</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
  <label for="login">Identifiant</label> <input id="login" name="login" required autocomplete="username">
  <label for="password">Mot de passe</label>
  <input id="password" name="password" type="password" required autocomplete="current-password">
  <button type="submit">Se connecter</button>
</form>
</main></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function start(port) {
  const server = createServer();
  server.listen(Number(port), '127.0.0.1', () => {
    const issuer = `http://127.0.0.1:${server.address().port}`;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: args['client-id'],
          client_secret: args.secret,
          redirect_uris: [args['redirect-uri']],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          // What allauth sends when the provider offers it (client_secret_post before basic).
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [privateKey.export({ format: 'jwk' })] },
      cookies: { keys: [randomBytes(32).toString('hex')] },
      // The claims an académie ENT releases (NetO'Centre: the school's UAI in ESCOUAI / ESCOUAICourant).
      claims: {
        openid: ['sub'],
        email: ['email', 'email_verified'],
        profile: [
          'name', 'given_name', 'family_name', 'preferred_username',
          'ESCOUAI', 'ESCOUAICourant', 'ENTPersonProfils',
        ],
      },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
      async findAccount(ctx, sub) {
        const entry = directory[sub];
        if (!entry) return undefined;
        return { accountId: sub, claims: async () => ({ sub, ...entry.claims }) };
      },
      // The portal is a first-party application of the ENT: no consent screen.
      async loadExistingGrant(ctx) {
        const grantId = ctx.oidc.result?.consent?.grantId
          || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
        if (grantId) return ctx.oidc.provider.Grant.find(grantId);
        const grant = new ctx.oidc.provider.Grant({
          clientId: ctx.oidc.client.clientId,
          accountId: ctx.oidc.session.accountId,
        });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
    });
    const callback = provider.callback();

    server.on('request', async (req, res) => {
      const match = /^\/interaction\/([^/?]+)/.exec(req.url);
      if (!match) {
        callback(req, res);
        return;
      }
      try {
        const details = await provider.interactionDetails(req, res);
        if (details.prompt.name !== 'login') {
          res.writeHead(501).end(`prompt ${details.prompt.name} is not handled`);
          return;
        }
        if (req.method === 'POST') {
          const form = await readForm(req);
          const login = form.get('login') || '';
          const entry = directory[login];
          if (entry && entry.password === form.get('password')) {
            await provider.interactionFinished(req, res, { login: { accountId: login } }, {
              mergeWithLastSubmission: false,
            });
            return;
          }
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(loginPage(details.uid, 'Identifiant ou mot de passe incorrect.'));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(loginPage(details.uid));
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(String(error));
      }
    });

    process.stdout.write(`${JSON.stringify({ issuer })}\n`);
  });
}

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
start(args.port);
