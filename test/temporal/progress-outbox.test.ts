import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/core/events.ts';
import { ProgressOutbox } from '../../src/hosts/temporal/progress-outbox.ts';

// The worker side of the progress sink: what workflows hand over leaves per execution, in order,
// in as few batches as the delivery's pace allows; failures are retried, refusals dropped.
function events(executionId: string, from: number, count: number): ProgressEvent[] {
  return Array.from({ length: count }, (_, index) => ({ executionid: executionId, seq: from + index, id: `${executionId}-${from + index}` }) as unknown as ProgressEvent);
}

const seqs = (batches: ProgressEvent[][]) => batches.map((batch) => batch.map((event) => `${event.executionid}:${event.seq}`));

describe('ProgressOutbox', () => {
  it('delivers each execution in order, the events of one activation as one batch, the next ones once it is delivered', async () => {
    const delivered: ProgressEvent[][] = [];
    let release: () => void = () => undefined;
    const outbox = new ProgressOutbox(async (batch) => {
      delivered.push(batch);
      if (delivered.length === 1) await new Promise<void>((done) => (release = done));
    });
    for (const event of events('a', 1, 3)) outbox.enqueue([event], undefined);
    outbox.enqueue(events('b', 1, 1), undefined);
    await new Promise((done) => setImmediate(done));
    // `a`'s first batch is in flight: what follows waits and then leaves together.
    outbox.enqueue(events('a', 4, 2), undefined);
    outbox.enqueue(events('a', 6, 1), undefined);
    release();
    await outbox.drain('a');
    await outbox.drain('b');
    expect(seqs(delivered)).toEqual([['a:1', 'a:2', 'a:3'], ['b:1'], ['a:4', 'a:5', 'a:6']]);
  });

  it('retries a failed delivery and keeps the order; a refusal is dropped at once with a warning, later events still go', async () => {
    const delivered: ProgressEvent[][] = [];
    const warnings: Record<string, unknown>[] = [];
    let failures = 1;
    const outbox = new ProgressOutbox(
      async (batch) => {
        if (batch[0]!.seq === 1 && failures-- > 0) throw ApplicationFailure.retryable('service away', 'ReportProgressFailed');
        if (batch[0]!.seq === 3) throw ApplicationFailure.nonRetryable('forged token', 'ReportProgressRefused');
        delivered.push(batch);
      },
      (_message, meta) => warnings.push(meta),
    );
    outbox.enqueue(events('c', 1, 2), { token: 't', attempts: 3 });
    await outbox.drain('c', 10_000);
    outbox.enqueue(events('c', 3, 1), { token: 't' });
    await outbox.drain('c');
    outbox.enqueue(events('c', 4, 1), { token: 't' });
    await outbox.drain('c');
    expect(seqs(delivered)).toEqual([['c:1', 'c:2'], ['c:4']]);
    expect(warnings).toEqual([expect.objectContaining({ firstSeq: 3, executionId: 'c' })]);
  }, 20_000);

  it('drain returns at its bound when the service never answers (the run ends; the query keeps the events)', async () => {
    const outbox = new ProgressOutbox(() => new Promise(() => undefined));
    outbox.enqueue(events('d', 1, 1), undefined);
    await expect(outbox.drain('d', 200)).resolves.toBeUndefined();
  });
});
