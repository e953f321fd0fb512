import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type AuthServer } from '../fixtures/auth-server.ts';
import { runDslWorkflow } from './dsl-helpers.ts';

const credentials = {
  clientId: 'workflow-runtime',
  clientSecret: 'client-secret-6f1c9a',
  username: 'ada',
  password: 'owner-password-83be21',
  refreshToken: 'refresh-token-2d7e40',
};
const ISSUER = 'http://auth.example.test';
let server: AuthServer;
/** The documents name a public-looking origin (the schema wants literal authorities); it is rewritten to the fixture. */
const rewrite = () => ({ endpointRewrites: { [ISSUER]: server.url } });

beforeAll(async () => {
  server = await startAuthServer({ ...credentials, issuer: ISSUER });
});
afterAll(async () => {
  await server.close();
});

describe('authentication against loopback fixtures', () => {
  it('basic: by secret (use: secretName) and by $secrets expressions', async () => {
    const result = await runDslWorkflow('auth-basic-secret', {}, {
      ...rewrite(),
      secrets: { httpCredentials: { username: credentials.username, password: credentials.password } },
    });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ bySecret: { access: 'granted', scheme: 'basic' }, byExpression: { access: 'granted', scheme: 'basic' } });
  });

  it('digest: answers the server challenge (MD5, qop=auth, opaque)', async () => {
    const result = await runDslWorkflow('auth-digest', {}, { ...rewrite(), secrets: { digestPassword: credentials.password } });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ access: 'granted', scheme: 'digest' });
  });

  it('oauth2: client_credentials (client_secret_basic, cached for the second call), password (JSON encoding) and refresh_token grants', async () => {
    const before = server.tokenRequests.length;
    const result = await runDslWorkflow('auth-oauth2', {}, {
      ...rewrite(),
      secrets: {
        oauthClient: { secret: credentials.clientSecret },
        resourceOwner: { password: credentials.password, refreshToken: credentials.refreshToken },
      },
    });
    expect(result.status).toBe('completed');
    const granted = { access: 'granted' };
    expect(result.output).toEqual({ clientCredentials: granted, cached: granted, password: granted, refresh: granted });
    expect(server.tokenRequests.slice(before)).toEqual([
      { grant: 'client_credentials', clientAuthentication: 'basic', encoding: 'application/x-www-form-urlencoded', scope: 'api' },
      { grant: 'password', clientAuthentication: 'post', encoding: 'application/json' },
      { grant: 'refresh_token', clientAuthentication: 'post', encoding: 'application/x-www-form-urlencoded' },
    ]);
  });

  it('oauth2: a cached token the resource server rejects is replaced once', async () => {
    const secrets = { oauthClient: { secret: credentials.clientSecret }, resourceOwner: { password: credentials.password, refreshToken: credentials.refreshToken } };
    await runDslWorkflow('auth-oauth2', {}, { ...rewrite(), secrets });
    server.issued.forEach((token) => server.revoke(token));
    const before = server.tokenRequests.length;
    const result = await runDslWorkflow('auth-oauth2', {}, { ...rewrite(), secrets });
    expect(result.status).toBe('completed');
    expect(server.tokenRequests.slice(before).map((request) => request.grant)).toEqual(['client_credentials', 'password', 'refresh_token']);
  });

  it('oidc: discovers the token endpoint and checks the issuer', async () => {
    const result = await runDslWorkflow('auth-oidc', {}, {
      ...rewrite(),
      secrets: { oidcClient: { id: credentials.clientId, secret: credentials.clientSecret } },
    });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ access: 'granted' });
  });

  it('oauth2: a refused token request is an authentication error (401) that does not repeat the client secret', async () => {
    const result = await runDslWorkflow('auth-oauth2', {}, {
      ...rewrite(),
      secrets: { oauthClient: { secret: 'wrong-client-secret' }, resourceOwner: { password: 'x', refreshToken: 'y' } },
    });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authentication', status: 401, instance: '/do/0/first' });
    expect(result.error?.detail).toContain('HTTP 401 (invalid_client)');
    expect(JSON.stringify(result)).not.toContain('wrong-client-secret');
  });

  it('faults with an authorization error (403) when a policy uses a secret the document does not declare', async () => {
    const result = await runDslWorkflow('auth-undeclared-secret', {}, { ...rewrite(), secrets: { httpCredentials: { username: 'a', password: 'b' } } });
    expect(result.error).toMatchObject({ status: 403, detail: "secret 'httpCredentials' is not declared in use.secrets" });
  });

  it('faults with an authorization error (403) when a declared secret is not provided by the operator', async () => {
    const result = await runDslWorkflow('auth-basic-secret', {}, rewrite());
    expect(result.error).toMatchObject({ status: 403, instance: '/do/0/bySecret', detail: "secret 'httpCredentials' is not available to this workflow" });
  });

  it('exposes $authorization { scheme, parameter } to output.as and export.as (parameter null when the host obtains the token); one derived from secrets is redacted from events', async () => {
    const result = await runDslWorkflow('auth-authorization-variable', {}, {
      ...rewrite(),
      secrets: { httpCredentials: { username: credentials.username, password: credentials.password } },
    });
    const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({
      basic: { scheme: 'Basic', parameter: encoded },
      oauth: { oauthScheme: 'Bearer', oauthParameter: null },
    });
    expect(JSON.stringify(result.events)).not.toContain(encoded);
    expect(JSON.stringify(result.events)).toContain('"parameter":"[redacted]"');
  });
});
