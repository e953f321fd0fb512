import type { ProgressEvent } from '../../src/core/events.ts';
import type { Json } from '../../src/core/json.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { runOnHost } from '../../src/hosts/index.ts';
import { loadWorkflowFile } from '../../src/loader/load-workflow.ts';

/** Start of the fixed clock recorded sequences are moved onto. */
export const CLOCK_START = Date.UTC(2026, 0, 1);

/**
 * Runs a workflow on the local host and returns its real event sequence with every time moved
 * onto a fixed clock (event N happens N × 10 ms after CLOCK_START), so renders are reproducible
 * while the order and content of the events stay the interpreter's own.
 */
export async function recordEvents(file: string, input: Json = {}): Promise<ProgressEvent[]> {
  const engine = await loadDefaultEngine();
  const document = await loadWorkflowFile(file, { engine });
  const result = await runOnHost('local', document, input, { engine, executionId: 'recorded' });
  return result.events.map((event) => ({ ...event, time: new Date(CLOCK_START + event.seq * 10).toISOString() }));
}
