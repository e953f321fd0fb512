import type { EffectPolicy } from '../../effects/effect-context.ts';
import { parseEgressRule, type EgressPolicy } from '../../effects/egress/egress-policy.ts';

/**
 * An effect policy as plain data, for a worker thread: egress rules travel as the text they were
 * parsed from (address rules hold a `BlockList`, which does not cross threads) and are parsed again.
 */
export interface EffectPolicyData {
  egress?: { deny: string[]; allow: string[]; closed: string[] };
  maxResponseBytes?: number;
  fileDirectories?: string[];
}

/** Read at each start: the service adds its own bound address to `deny` after the policy is built. */
export function effectPolicyToData(policy: EffectPolicy): EffectPolicyData {
  const { egress, maxResponseBytes, fileDirectories } = policy;
  const texts = (rules: EgressPolicy['deny']) => rules.map((rule) => rule.text);
  return {
    ...(egress ? { egress: { deny: texts(egress.deny), allow: texts(egress.allow), closed: texts(egress.closed) } } : {}),
    ...(maxResponseBytes !== undefined ? { maxResponseBytes } : {}),
    ...(fileDirectories ? { fileDirectories: [...fileDirectories] } : {}),
  };
}

export function effectPolicyFromData(data: EffectPolicyData): EffectPolicy {
  const { egress, maxResponseBytes, fileDirectories } = data;
  return {
    ...(egress
      ? { egress: { deny: egress.deny.map(parseEgressRule), allow: egress.allow.map(parseEgressRule), closed: egress.closed.map(parseEgressRule) } }
      : {}),
    ...(maxResponseBytes !== undefined ? { maxResponseBytes } : {}),
    ...(fileDirectories ? { fileDirectories } : {}),
  };
}
