import { proxyActivities } from '@temporalio/workflow';

/** The hand-written counterpart of the YAML benchmark workflow: the same HTTP calls, one activity each. */
export interface BaselineActivities {
  httpGetJson(url: string): Promise<unknown>;
}

const { httpGetJson } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

export async function SequentialHttpCalls(url: string, calls: number): Promise<unknown[]> {
  const results: unknown[] = [];
  for (let index = 0; index < calls; index++) results.push(await httpGetJson(`${url}?call=${index}`));
  return results;
}
