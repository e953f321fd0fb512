import { describe, expect, it } from 'vitest';
import { executionSpanId, parseTraceparent, taskSpanId, taskSpanIdPrefix, taskSpanLanes, taskTraceparent, traceRoot } from '../../src/core/trace-context.ts';

describe('computed trace context', () => {
  it('continues the caller trace from a valid traceparent, and derives one from the execution id otherwise', () => {
    expect(traceRoot('e1', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7', sampled: true });
    expect(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(parseTraceparent('not a traceparent')).toBeUndefined();
    const derived = traceRoot('e1', 'garbage');
    expect(derived.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(derived).toEqual(traceRoot('e1'));
    expect(traceRoot('e2').traceId).not.toBe(derived.traceId);
  });

  it('names every task instance with its own stable span id: pointer, iteration and attempt all count', () => {
    const base = { pointer: '/do/0/fetch', iteration: [1], attempt: 0 };
    const ids = [base, { ...base, attempt: 1 }, { ...base, iteration: [2] }, { ...base, iteration: [1, 0] }, { ...base, pointer: '/do/1/fetch' }].map((task) => taskSpanId('e1', task));
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(taskSpanId('e1', base)).toBe(taskSpanId('e1', { ...base, iteration: [1] }));
    expect(taskSpanId('e2', base)).not.toBe(taskSpanId('e1', base));
    expect(executionSpanId('e1')).not.toBe(taskSpanId('e1', base));
    expect(taskTraceparent(traceRoot('e1'), 'e1', base)).toBe(`00-${traceRoot('e1').traceId}-${taskSpanId('e1', base)}-01`);
  });

  it('keeps span ids stable across versions, and computes the same ids from a task\'s cached prefix', () => {
    // Ids already exported (and replayed on Temporal) must not change: pinned.
    expect(taskSpanId('e1', { pointer: '/do/0/fetch', iteration: [1], attempt: 0 })).toBe('663988d0ace04dfd');
    expect(taskSpanId('e1', { pointer: '/do/0/loop/for/do/0/keep', iteration: '2.0', attempt: 3 })).toBe('d7165141241bb9c6');
    expect(taskSpanId('exécution', { pointer: '/do/1/x', iteration: [], attempt: 12 })).toBe('68871d4762dc161a');
    const prefix = taskSpanIdPrefix('e1', '/do/0/loop/for/do/0/keep');
    for (const [iteration, attempt] of [['', 0], ['2.0', 3], ['9999', 1]] as const) {
      const { high, low } = taskSpanLanes(prefix, iteration, attempt);
      expect(high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0')).toBe(taskSpanId('e1', { pointer: '/do/0/loop/for/do/0/keep', iteration, attempt }));
    }
  });
});
