import type { Command } from '@commander-js/extra-typings';
import { EVENT_TYPES, type ProgressEvent, type WorkflowStatus } from '../../core/events.ts';
import { EXIT } from '../exit-codes.ts';
import { clientFrom, runServiceCommand, serviceCommand, ServiceUnavailableError, type ServiceClient } from '../service-client.ts';
import { handleInterrupt } from '../interrupt.ts';
import { resolveExecutionId } from './executions.ts';
import { createProgressView } from '../views/progress-view.ts';

/** Why the run ended so, on stderr: a faulted run's error (RFC 7807), a cancelled run's reason. */
async function printWhy(client: ServiceClient, id: string, status: WorkflowStatus): Promise<void> {
  const { error, cancelReason } = (await client.getExecution(id)).execution;
  if (status === 'faulted' && error) process.stderr.write(`${JSON.stringify(error)}\n`);
  if (status === 'cancelled' && cancelReason) process.stderr.write(`reason: ${cancelReason}\n`);
}

const TERMINAL: Partial<Record<string, WorkflowStatus>> = {
  [EVENT_TYPES.workflowCompleted]: 'completed',
  [EVENT_TYPES.workflowFaulted]: 'faulted',
  [EVENT_TYPES.workflowCancelled]: 'cancelled',
};

const FINAL_STATUSES: readonly WorkflowStatus[] = ['completed', 'faulted', 'cancelled'];

export interface FollowOptions {
  onEvent(event: ProgressEvent): void;
  /** How long to keep trying when the service cannot be reached, before giving up. */
  retryForMs: number;
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Follows an execution's SSE stream until the run ends and returns its final status. A dropped
 * connection is reopened with `Last-Event-ID`, so every event is delivered once and in order.
 */
export async function followExecution(client: ServiceClient, id: string, options: FollowOptions): Promise<WorkflowStatus> {
  let lastEventId: string | undefined;
  let lastSeq = 0;
  let unreachableSince: number | undefined;
  let delay = 200;
  for (;;) {
    let status: WorkflowStatus | undefined;
    try {
      const controller = new AbortController();
      options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
      const messages = await client.openEventStream(id, lastEventId, controller.signal);
      unreachableSince = undefined;
      delay = 200;
      for await (const message of messages) {
        if (message.id !== undefined) lastEventId = message.id;
        if (message.event === 'end') {
          status = endStatus(message.data);
          break;
        }
        if (message.event !== 'message') continue;
        const event = JSON.parse(message.data) as ProgressEvent;
        if (event.seq <= lastSeq) continue;
        lastSeq = event.seq;
        options.onEvent(event);
        status = TERMINAL[event.type] ?? status;
      }
      controller.abort();
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError) && !isStreamDrop(error)) throw error;
      unreachableSince ??= Date.now();
      if (Date.now() - unreachableSince > options.retryForMs) {
        throw error instanceof ServiceUnavailableError ? error : new ServiceUnavailableError(client.url, error);
      }
    }
    if (status) return status;
    // The stream ended without the run ending (service restart, proxy timeout): ask, then resume.
    const snapshot = await client.getExecution(id).catch((error: unknown) => {
      if (error instanceof ServiceUnavailableError) return undefined;
      throw error;
    });
    if (snapshot && FINAL_STATUSES.includes(snapshot.execution.status) && snapshot.execution.lastSeq <= lastSeq) return snapshot.execution.status;
    await sleep(delay);
    delay = Math.min(delay * 2, 2000);
  }
}

function endStatus(data: string): WorkflowStatus | undefined {
  try {
    const parsed = JSON.parse(data) as { status?: WorkflowStatus };
    return parsed.status && FINAL_STATUSES.includes(parsed.status) ? parsed.status : undefined;
  } catch {
    return undefined;
  }
}

/** A stream cut mid-way (socket closed, body aborted by the network) rather than a programming error. */
function isStreamDrop(error: unknown): boolean {
  const text = `${(error as Error)?.name} ${(error as Error)?.message} ${(error as { cause?: { code?: string } })?.cause?.code ?? ''}`;
  return /terminated|socket|ECONNRESET|other side closed|fetch failed|UND_ERR/i.test(text);
}

export const EXIT_BY_STATUS: Partial<Record<WorkflowStatus, number>> = {
  completed: EXIT.ok,
  faulted: EXIT.faulted,
  cancelled: EXIT.cancelled,
};

/**
 * `cairn watch ID`: draws an execution's task tree live from the service and exits with the run's
 * status: 0 completed, 1 faulted, 3 cancelled, 4 service unreachable (2 unknown execution).
 */
export function registerWatch(program: Command): void {
  serviceCommand(program, 'watch')
    .description('follow an execution at the service live and exit with its status')
    .argument('<id>', 'execution id, or the start of it')
    .addHelpText('after', '\nExamples:\n  $ cairn watch 3f2a9c1e            # an id prefix, as the dashboard shows it\n  $ CAIRN_SERVICE=http://10.0.0.5:7233 CAIRN_TOKEN=… cairn watch 3f2a --json\n')
    .option('--json', 'print the events as NDJSON on stdout instead of drawing the tree')
    .option('--retry-for <seconds>', 'keep reconnecting this long while the service is unreachable', '10')
    .action(async (id, options) => {
      await runServiceCommand('watch', async () => {
        const client = clientFrom(options);
        id = await resolveExecutionId(client, id);
        const view = createProgressView(options.json ? { stream: process.stdout, json: true } : { stream: process.stderr });
        const cancel = new AbortController();
        const interrupt = handleInterrupt(() => cancel.abort());
        try {
          const status = await followExecution(client, id, { onEvent: view.onEvent, retryForMs: Number(options.retryFor) * 1000, signal: cancel.signal });
          view.finish();
          if (!options.json) process.stderr.write(`${status}\n`);
          if (status === 'faulted' || status === 'cancelled') await printWhy(client, id, status);
          return EXIT_BY_STATUS[status] ?? EXIT.faulted;
        } catch (error) {
          if (!interrupt.interrupted) throw error;
          view.finish();
          process.stderr.write(`cancelled: stopped watching; execution ${id} goes on at the service (cairn executions cancel ${id} to stop it)\n`);
          return EXIT.cancelled;
        } finally {
          interrupt.dispose();
        }
      });
    });
}
