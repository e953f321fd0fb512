import { resolve } from 'node:path';
import type { EffectPolicy } from './effect-context.ts';
import { serviceEgressPolicy } from './egress/egress-policy.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from './response-body.ts';

/** An operator's policy for effects of documents other people send (`cairn serve`, `cairn worker`, the library's worker options). */
export interface OperatorPolicyOptions {
  /** Hosts (`api.example.com`, `*.example.com`), addresses, CIDRs or ranges (`loopback`, `private`, `link-local`), optionally `:port`, effects may connect to. */
  egressAllow?: readonly string[];
  /** Rules refused whatever `egressAllow` opens. */
  egressDeny?: readonly string[];
  /** Directories whose files documents, protos and scripts may be read from (none by default). */
  allowFiles?: readonly string[];
  /** The largest response body an effect reads (default 32 MiB). */
  maxResponseBytes?: number;
}

/**
 * The service's defaults under the operator's rules: metadata endpoints and `ownEndpoints` (Cairn's
 * own service and Temporal frontend) refused, loopback/private/link-local closed unless allowed,
 * local files only under `allowFiles`. Throws `EgressRuleError` naming a malformed rule.
 */
export function operatorEffectPolicy(options: OperatorPolicyOptions, ownEndpoints: readonly string[] = []): EffectPolicy {
  return {
    egress: serviceEgressPolicy({ allow: options.egressAllow ?? [], deny: options.egressDeny ?? [], ownAddresses: ownEndpoints }),
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    fileDirectories: (options.allowFiles ?? []).map((directory) => resolve(directory)),
  };
}
