// Records Temporal histories of test/temporal/workflows/*.yaml into test/temporal/histories/, for
// replay.test.ts. Re-record (and commit) after an intended change of the interpreter's command
// order — gate that change with `patched('cairn-<id>')` (src/hosts/temporal/patches.ts) and move
// the previous recordings into a subfolder named after it, so the old path keeps replaying:
//   npx tsx test/temporal/record-histories.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { runTemporal } from '../../src/hosts/temporal/run-temporal.ts';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';
import { startHttpbinServer } from '../fixtures/httpbin-server.ts';
import { startTemporalServer } from '../support/temporal-server.ts';

const WORKFLOWS = new URL('./workflows/', import.meta.url);
const HISTORIES = new URL('./histories/', import.meta.url);

const [server, httpbin, engine] = await Promise.all([startTemporalServer(), startHttpbinServer(), loadDefaultEngine()]);
const connection = await Connection.connect({ address: server.address });
try {
  const client = new Client({ connection });
  for (const file of readdirSync(WORKFLOWS).filter((name) => name.endsWith('.yaml')).sort()) {
    const name = file.replace(/\.yaml$/, '');
    const document = loadWorkflow(readFileSync(new URL(file, WORKFLOWS), 'utf8'), file, { engine });
    const result = await runTemporal(document, { n: 12, items: [1, 2, 3] }, {
      executionId: `history-${name}`,
      endpointRewrites: { 'https://httpbin.org': httpbin.url },
      temporal: { address: server.address },
    });
    const history = await client.workflow.getHandle(result.executionId).fetchHistory();
    writeFileSync(new URL(`${name}.json`, HISTORIES), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
    console.log(`${name}: ${result.status}, ${history.events?.length ?? 0} history events`);
  }
} finally {
  await connection.close();
  await Promise.all([server.stop(), httpbin.close()]);
}
