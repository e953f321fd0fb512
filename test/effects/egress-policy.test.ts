import { describe, expect, it } from 'vitest';
import { allowedAddress } from '../../src/effects/egress/egress-fetch.ts';
import { egressAllowed, EgressRuleError, parseEgressRule, serviceEgressPolicy } from '../../src/effects/egress/egress-policy.ts';
import { ownEndpointRulesOf, parseEffectPolicyFlags } from '../../src/cli/effect-policy-options.ts';

describe('egress policy', () => {
  const policy = serviceEgressPolicy({ allow: ['127.0.0.1:8080', '10.1.2.0/24'], deny: ['*.internal.example', '10.1.2.3'], ownAddresses: ['loopback:7233'] });

  it('closes loopback, private and link-local by default, refuses metadata and its own port always, and opens the rest', () => {
    expect(egressAllowed(policy, 'example.com', '93.184.216.34', 443)).toBe(true);
    expect(egressAllowed(policy, '127.0.0.1', '127.0.0.1', 9000)).toBe(false);
    expect(egressAllowed(policy, 'x', '::ffff:127.0.0.1', 9000)).toBe(false);
    expect(egressAllowed(policy, 'x', '::1', 9000)).toBe(false);
    expect(egressAllowed(policy, 'x', '192.168.1.10', 80)).toBe(false);
    expect(egressAllowed(policy, 'x', 'fe80::1', 80)).toBe(false);
    expect(egressAllowed(policy, 'x', '169.254.169.254', 80)).toBe(false);
    expect(egressAllowed(serviceEgressPolicy({ allow: ['link-local'], deny: [], ownAddresses: [] }), 'x', '169.254.169.254', 80)).toBe(false);
    expect(egressAllowed(policy, 'x', '127.0.0.1', 7233)).toBe(false);
  });

  it('re-opens what --egress-allow names (address and port), and --egress-deny wins over it', () => {
    expect(egressAllowed(policy, '127.0.0.1', '127.0.0.1', 8080)).toBe(true);
    expect(egressAllowed(policy, 'x', '::ffff:127.0.0.1', 8080)).toBe(true);
    expect(egressAllowed(policy, 'x', '10.1.2.9', 5432)).toBe(true);
    expect(egressAllowed(policy, 'x', '10.1.2.3', 5432)).toBe(false);
    expect(egressAllowed(policy, 'db.internal.example', '93.184.216.35', 443)).toBe(false);
  });

  it('checks the resolved address: a name resolving to loopback is refused with a typed communication error', async () => {
    await expect(allowedAddress(policy, 'localhost', 9000)).rejects.toMatchObject({ problem: { status: 403, detail: expect.stringContaining('does not allow connecting to localhost') } });
    await expect(allowedAddress(policy, '127.0.0.1', 8080)).resolves.toBe('127.0.0.1');
  });

  it('rejects malformed rules with a message naming the rule', () => {
    expect(() => parseEgressRule('10.0.0.0/40')).toThrow(EgressRuleError);
    expect(() => parseEgressRule('exa mple')).toThrow(/egress rule "exa mple"/);
    expect(() => parseEgressRule('host:70000')).toThrow(/bad port/);
  });

  it("cairn worker's policy refuses its Temporal frontend and service even when loopback is allowed", () => {
    const own = [...ownEndpointRulesOf('127.0.0.1:7233', 7233), ...ownEndpointRulesOf('http://localhost:8420', 80), ...ownEndpointRulesOf('temporal.example:7233', 7233)];
    const worker = parseEffectPolicyFlags({ egressAllow: ['loopback'], egressDeny: [], maxResponseBytes: '1024' }, own).egress!;
    expect(egressAllowed(worker, '127.0.0.1', '127.0.0.1', 7233)).toBe(false);
    expect(egressAllowed(worker, 'localhost', '::1', 8420)).toBe(false);
    expect(egressAllowed(worker, 'temporal.example', '93.184.216.40', 7233)).toBe(false);
    expect(egressAllowed(worker, '127.0.0.1', '127.0.0.1', 9000)).toBe(true);
    expect(() => parseEffectPolicyFlags({ egressAllow: ['10.0.0.0/40'], egressDeny: [], maxResponseBytes: '1' }, [])).toThrow(/egress rule "10.0.0.0\/40"/);
    expect(() => parseEffectPolicyFlags({ egressAllow: [], egressDeny: [], maxResponseBytes: 'many' }, [])).toThrow(/--max-response-bytes must be a positive integer/);
  });
});
