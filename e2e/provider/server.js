// A real, OpenID-certified authorization server (oidc-provider) for
// authtrace's end-to-end suite. It listens on 127.0.0.1 only.
//
//   PORT=0 REDIRECT_URIS=http://127.0.0.1:5555/callback node server.js
//
// PORT (or the first argument) picks the port; 0 or none means any free
// port. REDIRECT_URIS is a comma-separated list registered for every client.
// Once listening it prints one line, `listening <issuer URL>`, on stdout; the
// tests read it and then wait for /.well-known/openid-configuration.
//
// The clients (all confidential, code flow):
//   app-post       client_secret_post,  secret post-secret,  refresh allowed
//   app-basic      client_secret_basic, secret basic-secret, refresh allowed
//   app-norefresh  client_secret_post,  secret norefresh-secret, no refresh_token grant
//
// oidc-provider itself takes a secret in the body or in a Basic header
// whichever method the client registered; many servers do not (Auth0
// rejects the other method with invalid_client). strictAuth below makes
// app-post and app-basic accept only their own method, so a client sending
// the secret the wrong way gets the 401 invalid_client a connector sees.
//
// The built-in development login and consent pages are used: any login and
// password sign in; the consent form is one button.

import { generateKeyPairSync } from 'node:crypto';
import net from 'node:net';
import process from 'node:process';
import querystring from 'node:querystring';

import Provider from 'oidc-provider';

const host = '127.0.0.1';
const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const redirectURIs = (process.env.REDIRECT_URIS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
if (redirectURIs.length === 0) {
  redirectURIs.push('http://127.0.0.1:8765/callback');
}

// A fresh signing key per run: JWT access tokens and ID tokens are signed
// with it and it is served on the JWKS endpoint. P-256, not RSA: an RSA
// key search takes seconds of CPU on a loaded two-core machine, P-256 none.
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'e2e-es256', alg: 'ES256', use: 'sig' };

const client = (id, secret, authMethod, grants) => ({
  client_id: id,
  client_secret: secret,
  token_endpoint_auth_method: authMethod,
  grant_types: grants,
  response_types: ['code'],
  redirect_uris: redirectURIs,
  id_token_signed_response_alg: 'ES256',
});

const configuration = {
  clients: [
    client('app-post', 'post-secret', 'client_secret_post', ['authorization_code', 'refresh_token']),
    client('app-basic', 'basic-secret', 'client_secret_basic', ['authorization_code', 'refresh_token']),
    client('app-norefresh', 'norefresh-secret', 'client_secret_post', ['authorization_code']),
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ['authtrace-e2e-cookie-key'] },
  scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read'],
  claims: {
    openid: ['sub'],
    profile: ['name'],
    email: ['email'],
  },
  async findAccount(_ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, name: sub, email: `${sub}@example.test` };
      },
    };
  },
  features: {
    devInteractions: { enabled: true },
    // RFC 8707: resource= at the authorize endpoint selects a JWT access
    // token whose aud is that resource. Without one, the access token is
    // the opaque one for /userinfo (as Auth0 does without audience=).
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, _client, oneOf) => oneOf,
      // authtrace does not repeat resource= at the token endpoint (connector
      // platforms do not either): use what was granted at authorize.
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resourceIndicator) => ({
        scope: 'api:read',
        audience: resourceIndicator,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
  // Refresh tokens need offline_access and prompt=consent (oidc-provider's
  // default issueRefreshToken and scope check); every refresh rotates.
  rotateRefreshToken: true,
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: 3600,
    RefreshToken: 14 * 24 * 3600,
    Grant: 14 * 24 * 3600,
    Interaction: 600,
    Session: 24 * 3600,
  },
};

const strictAuth = { 'app-post': 'post', 'app-basic': 'basic' };

async function readAll(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

// enforceAuthMethod reads the token request's form (oidc-provider then uses
// the parsed body) and answers invalid_client when a strict client sent its
// secret the other way.
async function enforceAuthMethod(ctx, next) {
  if (ctx.method !== 'POST' || ctx.path !== '/token' || !ctx.is('application/x-www-form-urlencoded')) {
    await next();
    return;
  }
  const body = querystring.parse(await readAll(ctx.req));
  ctx.req.body = body;
  const authz = ctx.get('authorization');
  const basic = /^basic /i.test(authz);
  let id = body.client_id;
  if (basic) {
    const decoded = Buffer.from(authz.slice(6).trim(), 'base64').toString('utf8');
    id = decodeURIComponent(decoded.slice(0, Math.max(decoded.indexOf(':'), 0)).replace(/\+/g, ' '));
  }
  const want = strictAuth[id];
  const sent = basic ? 'basic' : (body.client_secret !== undefined ? 'post' : undefined);
  if (want && sent && sent !== want) {
    ctx.status = 401;
    if (want === 'basic') ctx.set('WWW-Authenticate', 'Basic realm="token"');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      error: 'invalid_client',
      error_description: `client authentication method not allowed: ${id} is registered for client_secret_${want}`,
    };
    return;
  }
  await next();
}

// oidc-provider takes its issuer (and so the port) at construction: with
// port 0, find a free port first.
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port: free } = s.address();
      s.close(() => resolve(free));
    });
  });
}

async function main() {
  const bound = port === 0 ? await freePort() : port;
  const issuer = `http://${host}:${bound}`;
  const provider = new Provider(issuer, configuration);
  provider.use(enforceAuthMethod);
  const server = provider.listen(bound, host);
  server.once('listening', () => {
    process.stdout.write(`listening ${issuer}\n`);
  });
  server.once('error', (err) => {
    process.stderr.write(`server.js: cannot listen on ${host}:${bound}: ${err.message}\n`);
    process.exit(1);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`server.js: ${err.stack ?? err}\n`);
  process.exit(1);
});
