import type { EffectPolicy } from '../effects/effect-context.ts';
import { EgressRuleError } from '../effects/egress/egress-policy.ts';
import { operatorEffectPolicy } from '../effects/operator-policy.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../effects/response-body.ts';
import { ArgumentError } from './parse-json-argument.ts';

/** The effect-policy options `cairn serve` and `cairn worker` share (both run documents other people send). */
export interface EffectPolicyFlags {
  allowFiles?: string[];
  egressAllow: string[];
  egressDeny: string[];
  maxResponseBytes: string;
}

/** [flags, description, default] of each option, so both commands declare them alike. */
export const EFFECT_POLICY_OPTIONS = {
  allowFiles: ['--allow-files <dir...>', 'directories whose files workflows may read (OpenAPI/AsyncAPI documents, protos, scripts); none by default'],
  egressAllow: ['--egress-allow <rule>', 'let effects connect to a host, address, CIDR or range (loopback, private, link-local), optionally :port; repeatable'],
  egressDeny: ['--egress-deny <rule>', 'refuse effect connections to a host, address, CIDR or range, optionally :port (wins over --egress-allow); repeatable'],
  maxResponseBytes: ['--max-response-bytes <bytes>', 'the largest response body an effect reads', String(DEFAULT_MAX_RESPONSE_BYTES)],
} as const;

/** Collects a repeatable option's values. */
export const repeatable = (value: string, all: string[]): string[] => [...all, value];

const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];
const WILDCARD = ['0.0.0.0', '::', '[::]'];

/**
 * Egress rules for an endpoint of Cairn's own (the service's listen address, a worker's Temporal
 * frontend and service): effects must never call them, whatever loopback or private ranges allow.
 */
export function ownEndpointRules(host: string, port: number): string[] {
  if (port === 0) return [];
  const bare = host.replace(/^\[|\]$/g, '');
  const shown = bare.includes(':') ? `[${bare}]` : bare;
  return [`loopback:${port}`, ...(WILDCARD.includes(host) || LOOPBACK.includes(bare) ? [] : [`${shown}:${port}`])];
}

/** `host:port` (or a URL) → the own-endpoint rules for it; `defaultPort` when it names none. */
export function ownEndpointRulesOf(target: string, defaultPort: number): string[] {
  const match = /^(?:[a-z]+:\/\/)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?/i.exec(target);
  if (!match) return [];
  return ownEndpointRules(match[1]!, Number(match[2] ?? defaultPort));
}

/**
 * The operator's effect policy from the flags: the service's egress defaults (metadata and `ownEndpoints`
 * refused, loopback/private/link-local closed unless allowed), local files only under `--allow-files`,
 * response bodies cut at `--max-response-bytes`. Throws `ArgumentError` naming a malformed option.
 */
export function parseEffectPolicyFlags(flags: EffectPolicyFlags, ownEndpoints: readonly string[]): EffectPolicy {
  const maxResponseBytes = Number(flags.maxResponseBytes);
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) throw new ArgumentError(`--max-response-bytes must be a positive integer, got "${flags.maxResponseBytes}"`);
  try {
    return operatorEffectPolicy({ ...flags, maxResponseBytes }, ownEndpoints);
  } catch (error) {
    if (error instanceof EgressRuleError) throw new ArgumentError(error.message);
    throw error;
  }
}
