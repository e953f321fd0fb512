// Run Cairn's generic workflow in your own Temporal worker and start it with your own client.
// TEMPORAL_ADDRESS names the frontend (default 127.0.0.1:7233).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadWorkflow } from 'cairn';
import { cairnWorkerOptions, executionResult, progressQuery, startExecution } from 'cairn/temporal';

const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const taskQueue = 'cairn-example';

const worker = await Worker.create({
  connection: await NativeConnection.connect({ address }),
  taskQueue,
  ...(await cairnWorkerOptions()),
});
const client = new Client({ connection: await Connection.connect({ address }) });

const document = loadWorkflow(`
document: { dsl: '1.0.0', namespace: examples, name: double, version: '1.0.0' }
do:
  - double:
      set:
        doubled: \${ .value * 2 }
`);

const result = await worker.runUntil(async () => {
  const handle = await startExecution(client, document, { input: { value: 21 }, taskQueue });
  const outcome = await executionResult(handle);
  // Progress events of any execution, through a query (no history cost).
  const progress = await handle.query(progressQuery, 0);
  console.log(`progress events ${progress.events.length}`);
  return outcome;
});
console.log(`status ${result.status}`);
console.log(`output ${JSON.stringify(result.output)}`);
await client.connection.close();
