import { expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/group-commit.ts';

/** A transaction over an in-memory log: applied writes are kept only when the whole transaction succeeds. */
function memoryTransactions() {
  const committed: string[] = [];
  const transactions: string[][] = [];
  const transaction = async <T,>(work: (run: (request: string) => Promise<string>) => Promise<T>): Promise<T> => {
    const pending: string[] = [];
    const result = await work(async (request) => {
      if (request.startsWith('bad')) throw new Error(`refused ${request}`);
      pending.push(request);
      return `stored ${request}`;
    });
    committed.push(...pending);
    transactions.push(pending);
    return result;
  };
  return { committed, transactions, transaction };
}

it('shares one transaction among requests that queued while another committed', async () => {
  const memory = memoryTransactions();
  const group = new GroupCommit<string, string>(memory.transaction);
  const results = await Promise.all(['a', 'b', 'c', 'd'].map((request) => group.submit(request)));
  expect(results).toEqual(['stored a', 'stored b', 'stored c', 'stored d']);
  expect(memory.transactions).toEqual([['a'], ['b', 'c', 'd']]);
});

it('fails a bad request alone: the others of its group are retried one by one and stored', async () => {
  const memory = memoryTransactions();
  const group = new GroupCommit<string, string>(memory.transaction);
  const outcomes = await Promise.allSettled(['a', 'b', 'bad-c', 'd'].map((request) => group.submit(request)));
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  expect(memory.committed.sort()).toEqual(['a', 'b', 'd']);
});

it('lets the event loop run between transactions while requests keep coming', async () => {
  // A synchronous transaction, as SQLite's: nothing else runs while it works.
  const transactions: number[] = [];
  const group = new GroupCommit<number, number>(async (work) => {
    const result = await work(async (request) => request);
    transactions.push(transactions.length);
    return result;
  });
  let turnsBetween = 0;
  const ticker = setInterval(() => (turnsBetween += 1), 0);
  const requests = Array.from({ length: 2_000 }, (_, index) => group.submit(index));
  const results = await Promise.all(requests);
  clearInterval(ticker);
  expect(results).toEqual(requests.map((_, index) => index));
  expect(transactions.length).toBeGreaterThan(1);
  expect(turnsBetween).toBeGreaterThan(0);
});
