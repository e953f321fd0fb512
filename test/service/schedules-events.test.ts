import { beforeAll, describe, expect, it } from 'vitest';
import type { ExpressionEngine } from '../../src/jq/engine.ts';
import type { JsonObject } from '../../src/core/json.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { EventFilterMatcher } from '../../src/service/schedules/event-filter.ts';
import { EventTrigger } from '../../src/service/schedules/event-trigger.ts';

let engine: ExpressionEngine;
beforeAll(async () => {
  engine = await loadDefaultEngine();
});

const event = (id: string, type: string, data: JsonObject = {}): JsonObject => ({ specversion: '1.0', id, source: 'urn:test', type, data });
const trigger = (strategy: JsonObject) => new EventTrigger(strategy, new EventFilterMatcher(engine));

describe('schedule.on consumption strategies', () => {
  it('any: an empty list takes every event, filters match by regular expression and by runtime expression', () => {
    expect(trigger({ any: [] }).offer(event('1', 'anything'))).toEqual([event('1', 'anything')]);
    const any = trigger({ any: [{ with: { type: 'com\\.example\\.(created|updated)' } }, { with: { type: 'com.example.big', data: '${ .amount > 5 }' } }] });
    expect(any.offer(event('2', 'com.example.updated'))).toEqual([event('2', 'com.example.updated')]);
    expect(any.offer(event('3', 'com.example.deleted'))).toBeUndefined();
    expect(any.offer(event('4', 'com.example.big', { amount: 9 }))).toHaveLength(1);
    expect(any.offer(event('5', 'com.example.big', { amount: 2 }))).toBeUndefined();
    // An expression that fails on an unrelated shape is no match, not an error.
    expect(any.offer({ ...event('6', 'com.example.big'), data: 'text' })).toBeUndefined();
  });

  it('one: data filters match as subsets; a correlation with expect must equal it', () => {
    const one = trigger({ one: { with: { type: 'order', data: { paid: true } }, correlate: { region: { from: '${ .data.region }', expect: 'eu' } } } });
    expect(one.offer(event('1', 'order', { paid: true, region: 'eu', extra: 1 }))).toHaveLength(1);
    expect(one.offer(event('2', 'order', { paid: true, region: 'us' }))).toBeUndefined();
    expect(one.offer(event('3', 'order', { paid: false, region: 'eu' }))).toBeUndefined();
    expect(one.offer(event('4', 'order', { paid: true }))).toBeUndefined();
  });

  it('all: each filter once, then it collects again; events of another correlation wait in their own group', () => {
    const all = trigger({
      all: [
        { with: { type: 'a' }, correlate: { key: { from: '${ .data.k }' } } },
        { with: { type: 'b' }, correlate: { key: { from: '${ .data.k }' } } },
      ],
    });
    expect(all.offer(event('1', 'a', { k: 1 }))).toBeUndefined();
    expect(all.offer(event('2', 'a', { k: 1 }))).toBeUndefined();
    expect(all.offer(event('3', 'b', { k: 2 }))).toBeUndefined();
    expect(all.waiting).toBe(3);
    expect(all.offer(event('4', 'b', { k: 1 }))?.map((item) => item.id)).toEqual(['1', '4']);
    expect(all.offer(event('5', 'a', { k: 2 }))?.map((item) => item.id)).toEqual(['3', '5']);
    expect(all.waiting).toBe(1);
    expect(all.offer(event('6', 'b', { k: 1 }))?.map((item) => item.id)).toEqual(['2', '6']);
    expect(all.waiting).toBe(0);
  });
});
