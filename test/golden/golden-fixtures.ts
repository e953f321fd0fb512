import { fileURLToPath } from 'node:url';
import { startAuthServer } from '../fixtures/auth-server.ts';
import { startConformanceFixtures } from '../fixtures/conformance-fixtures.ts';
import { GOLDEN_ORIGIN, startGoldenServer } from '../fixtures/golden-server.ts';
import { startA2aAgent } from '../calls/fixtures/a2a-agent.ts';
import { startGreeterServer } from '../calls/fixtures/grpc-greeter-server.ts';
import { startMcpHttpServer } from '../calls/fixtures/mcp-server.ts';
import { ASSETS_ORIGIN, startGoldenAssetsServer } from './golden-assets-server.ts';

/** OAuth2 authorization server + OpenID provider + protected resources (the auth goldens). */
export const AUTH_ORIGIN = 'https://auth.golden.test';
/** The A2A agent: card at /.well-known/agent-card.json, JSON-RPC at /a2a. */
export const AGENT_ORIGIN = 'https://agent.golden.test';
/** The MCP calculator over streamable HTTP at /mcp. */
export const MCP_ORIGIN = 'https://mcp.golden.test';
/** The gRPC greeter (greeter.v1.Greeter), named in documents as host grpc.golden.test, port 50051. */
export const GRPC_ORIGIN = 'http://grpc.golden.test:50051';

/**
 * The credentials the auth fixture accepts; the auth goldens' secrets.yaml hold the same values
 * (the Temporal worker merges every golden's secrets, so a name means one value everywhere).
 */
export const GOLDEN_AUTH_CREDENTIALS = {
  clientId: 'golden-client',
  clientSecret: 'golden-client-secret-41d7',
  username: 'ada',
  password: 'golden-owner-password-9c2e',
  refreshToken: 'golden-refresh-token-5a18',
};

export interface GoldenFixtures {
  /** Public origins the goldens name (petstore, httpbin, golden.test…) → loopback fixture servers. */
  endpointRewrites: Record<string, string>;
  close(): Promise<void>;
}

/**
 * No container engine runs here: `run: container` goldens get a stand-in docker CLI that prints
 * the invocation it received (a stand-in, said so in the golden's name).
 */
const STAND_IN_CONTAINER_CLI = fileURLToPath(new URL('./run-container-stand-in-cli/stand-in-docker.mjs', import.meta.url));

/** Starts every loopback server the goldens call. */
export async function startGoldenFixtures(): Promise<GoldenFixtures> {
  const containerCli = process.env.CAIRN_CONTAINER_CLI;
  process.env.CAIRN_CONTAINER_CLI = STAND_IN_CONTAINER_CLI;
  const [conformance, golden, assets, auth, agent, mcp, greeter] = await Promise.all([
    startConformanceFixtures(),
    startGoldenServer(),
    startGoldenAssetsServer(),
    startAuthServer({ ...GOLDEN_AUTH_CREDENTIALS, issuer: AUTH_ORIGIN }),
    startA2aAgent(),
    startMcpHttpServer(),
    startGreeterServer(),
  ]);
  return {
    endpointRewrites: {
      ...conformance.endpointRewrites,
      [GOLDEN_ORIGIN]: golden.url,
      [ASSETS_ORIGIN]: assets.url,
      [AUTH_ORIGIN]: auth.url,
      [AGENT_ORIGIN]: agent.origin,
      [MCP_ORIGIN]: new URL(mcp.url).origin,
      [GRPC_ORIGIN]: `http://127.0.0.1:${greeter.port}`,
    },
    close: async () => {
      if (containerCli === undefined) delete process.env.CAIRN_CONTAINER_CLI;
      else process.env.CAIRN_CONTAINER_CLI = containerCli;
      await Promise.all([conformance.close(), golden.close(), assets.close(), auth.close(), agent.close(), mcp.close(), greeter.close()]);
    },
  };
}
