import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpressionEngine } from '../../src/jq/engine.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { startGoldenFixtures, type GoldenFixtures } from './golden-fixtures.ts';
import { listGoldens, runGolden } from './golden-runner.ts';

let fixtures: GoldenFixtures;
let engine: ExpressionEngine;

beforeAll(async () => {
  [fixtures, engine] = await Promise.all([startGoldenFixtures(), loadDefaultEngine()]);
});
afterAll(async () => {
  await fixtures?.close();
});

describe('golden workflows on the local host', () => {
  for (const dir of listGoldens()) {
    it(basename(dir), async () => {
      const report = await runGolden('local', dir, { engine, endpointRewrites: fixtures.endpointRewrites });
      expect(report.actual).toEqual(report.expected);
    });
  }
});
