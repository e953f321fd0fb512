import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { isWorkflowError } from '../../core/errors.ts';
import { egressAllowed, egressRefused, type EgressPolicy } from './egress-policy.ts';

/**
 * Resolves `host` and returns the first address the policy allows connecting to on `port`, or
 * throws the typed refusal. Callers connect to exactly that address, so a name that resolves
 * differently a moment later (DNS rebinding) cannot slip through.
 */
export async function allowedAddress(policy: EgressPolicy, host: string, port: number): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addresses = isIP(bare) !== 0 ? [bare] : (await lookup(bare, { all: true, verbatim: true })).map((entry) => entry.address);
  const allowed = addresses.find((address) => egressAllowed(policy, bare, address, port));
  if (allowed === undefined) throw egressRefused(bare, addresses[0] ?? bare, port);
  return allowed;
}

const agents = new WeakMap<EgressPolicy, Agent>();

/** An undici agent whose every connection (first request and each redirect hop alike) is checked on its resolved address. */
function policyAgent(policy: EgressPolicy): Agent {
  let agent = agents.get(policy);
  if (!agent) {
    const connect = buildConnector({});
    agent = new Agent({
      connect: (options, callback) => {
        const host = options.hostname.replace(/^\[|\]$/g, '');
        const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
        allowedAddress(policy, host, port).then(
          (address) => connect({ ...options, hostname: address, servername: options.servername ?? (isIP(host) !== 0 ? undefined : host) } as never, callback),
          (error: Error) => callback(error, null),
        );
      },
    });
    agents.set(policy, agent);
  }
  return agent;
}

/** `fetch` under an egress policy; without one (`cairn run`), the global fetch. A refusal rejects with the typed `communication` error. */
export async function egressFetch(policy: EgressPolicy | undefined, url: string | URL, init: RequestInit = {}): Promise<Response> {
  if (policy === undefined) return fetch(url, init);
  try {
    return (await undiciFetch(url, { ...(init as object), dispatcher: policyAgent(policy) } as never)) as unknown as Response;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (isWorkflowError(cause)) throw cause;
    throw error;
  }
}

/**
 * A `host:port` target (gRPC, NATS) with its host replaced by the address the policy allows, so the
 * client connects to the address that was checked; without a policy, the target unchanged.
 */
export async function egressTarget(policy: EgressPolicy | undefined, target: string, defaultPort: number): Promise<{ target: string; host: string }> {
  const match = /^(?:[a-z]+:\/\/)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?/i.exec(target);
  const host = (match?.[1] ?? target).replace(/^\[|\]$/g, '');
  if (policy === undefined) return { target, host };
  const port = Number(match?.[2] ?? defaultPort);
  const address = await allowedAddress(policy, host, port);
  return { target: `${isIP(address) === 6 ? `[${address}]` : address}:${port}`, host };
}
