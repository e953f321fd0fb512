import { BlockList, isIP } from 'node:net';
import { workflowError } from '../../core/errors.ts';

/**
 * Where outbound effects may connect. A rule is a host name (`api.example.com`, `*.example.com`), an
 * address or CIDR (`10.0.0.0/8`, `::1/128`), or a named range (`loopback`, `private`, `link-local`,
 * `metadata`), each optionally with `:port`. Rules apply to the address actually connected to.
 */
export interface EgressRule {
  /** Lower-cased host name pattern; absent for an address rule. */
  host?: string;
  addresses?: BlockList;
  port?: number;
  text: string;
}

/** Checked in order: `deny` refuses, then `allow` allows, then `closed` refuses; anything else is allowed. */
export interface EgressPolicy {
  deny: EgressRule[];
  allow: EgressRule[];
  closed: EgressRule[];
}

export class EgressRuleError extends Error {
  override name = 'EgressRuleError';
}

const RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'],
  'link-local': ['169.254.0.0/16', 'fe80::/10'],
  metadata: ['169.254.169.254/32', 'fd00:ec2::254/128', '100.100.100.200/32'],
  unspecified: ['0.0.0.0/8', '::/128'],
};

function addSubnet(list: BlockList, cidr: string, text: string): void {
  const [address, bits] = cidr.split('/');
  const family = isIP(address ?? '');
  if (family === 0) throw new EgressRuleError(`egress rule ${JSON.stringify(text)}: ${JSON.stringify(address)} is not an IP address`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (bits === undefined) return list.addAddress(address!, type);
  const prefix = Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new EgressRuleError(`egress rule ${JSON.stringify(text)}: bad prefix length /${bits}`);
  list.addSubnet(address!, prefix, type);
}

/** Parses one rule: `loopback`, `private:5432`, `10.0.0.0/8`, `[::1]:8080`, `*.example.com:443`. */
export function parseEgressRule(text: string): EgressRule {
  const trimmed = text.trim();
  let target = trimmed;
  let port: number | undefined;
  const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(trimmed);
  if (withPort) {
    target = withPort[1]!.replace(/^\[|\]$/g, '');
    port = Number(withPort[2]);
    if (port < 1 || port > 65535) throw new EgressRuleError(`egress rule ${JSON.stringify(text)}: bad port ${port}`);
  } else target = trimmed.replace(/^\[|\]$/g, '');
  if (target === '') throw new EgressRuleError('an egress rule cannot be empty');
  const rule: EgressRule = { text: trimmed, ...(port === undefined ? {} : { port }) };
  const named = RANGES[target.toLowerCase()];
  if (named || isIP(target.split('/')[0] ?? '') !== 0) {
    const addresses = new BlockList();
    for (const cidr of named ?? [target]) addSubnet(addresses, cidr, text);
    return { ...rule, addresses };
  }
  if (!/^(\*\.)?[a-z0-9.-]+$/i.test(target)) throw new EgressRuleError(`egress rule ${JSON.stringify(text)}: expected a host name, an address, a CIDR or one of ${Object.keys(RANGES).join(', ')}`);
  return { ...rule, host: target.toLowerCase() };
}

/** `cairn run`: everything is reachable (as before there was a policy). */
export const PERMISSIVE_EGRESS: EgressPolicy = { deny: [], allow: [], closed: [] };

/**
 * `cairn serve`: loopback, private, link-local and unspecified ranges are closed unless the operator
 * allows them (`--egress-allow loopback`, `--egress-allow 10.1.2.0/24:5432`); the metadata endpoints,
 * the service's own addresses and the operator's `--egress-deny` rules are refused whatever is allowed.
 */
export function serviceEgressPolicy(options: { allow: readonly string[]; deny: readonly string[]; ownAddresses: readonly string[] }): EgressPolicy {
  return {
    deny: ['metadata', ...options.ownAddresses, ...options.deny].map(parseEgressRule),
    allow: options.allow.map(parseEgressRule),
    closed: ['loopback', 'private', 'link-local', 'unspecified'].map(parseEgressRule),
  };
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`), else the address itself. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

function matches(rule: EgressRule, host: string, address: string, port: number): boolean {
  if (rule.port !== undefined && rule.port !== port) return false;
  if (rule.addresses) return rule.addresses.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  const name = host.toLowerCase();
  return rule.host!.startsWith('*.') ? name.endsWith(rule.host!.slice(1)) : name === rule.host;
}

/** Whether connecting to `address` (resolved from `host`) on `port` is allowed. */
export function egressAllowed(policy: EgressPolicy, host: string, address: string, port: number): boolean {
  const ip = unmapped(address);
  const match = (rule: EgressRule) => matches(rule, host, ip, port);
  if (policy.deny.some(match)) return false;
  if (policy.allow.some(match)) return true;
  return !policy.closed.some(match);
}

/** The typed `communication` error (403) for a refused connection; it names the target, never a response. */
export function egressRefused(host: string, address: string, port: number): Error {
  const shown = host === address ? address : `${host} (${address})`;
  return workflowError('communication', `the egress policy does not allow connecting to ${shown} port ${port}`, { status: 403 });
}
