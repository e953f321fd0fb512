import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import type { JsonValue } from '@bufbuild/protobuf';
import type { ProgressEvent } from '../core/events.ts';
import type { AppendResult } from '../store/execution-store.ts';
import { ExecutionService } from './gen/cairn/v1/execution_service_pb.ts';

export interface ProgressClientOptions {
  /** Base URL of the service, e.g. `http://127.0.0.1:8420`. */
  url: string;
  /** An API token, or the report token of each execution (looked up per batch). */
  token: string | ((executionId: string) => string);
  /** `grpc` (HTTP/2, default) or `connect` (JSON over HTTP/1.1, for proxies without HTTP/2). */
  protocol?: 'grpc' | 'connect';
  timeoutMs?: number;
}

/**
 * A ReportProgress caller for runners outside the service (the Temporal worker's progress sink):
 * one RPC per execution present in the batch. It throws when the service refuses or cannot be
 * reached, so the caller's retry policy applies; re-sending is harmless (idempotent on event id).
 * The results name each execution's remaining sequence gaps, for backfill.
 */
export function createProgressReporter(options: ProgressClientOptions): (events: ProgressEvent[]) => Promise<AppendResult[]> {
  const transport =
    options.protocol === 'connect' ? createConnectTransport({ baseUrl: options.url, httpVersion: '1.1' }) : createGrpcTransport({ baseUrl: options.url });
  const client: Client<typeof ExecutionService> = createClient(ExecutionService, transport);
  const tokenFor = typeof options.token === 'string' ? () => options.token as string : options.token;

  return async (events) => {
    const byExecution = new Map<string, ProgressEvent[]>();
    for (const event of events) byExecution.set(event.executionid, [...(byExecution.get(event.executionid) ?? []), event]);
    const results: AppendResult[] = [];
    for (const [executionId, batch] of byExecution) {
      const response = await client.reportProgress(
        { events: batch.map((event) => ({ ...event, seq: BigInt(event.seq), data: event.data as Record<string, JsonValue> })) },
        { headers: { authorization: `Bearer ${tokenFor(executionId)}` }, timeoutMs: options.timeoutMs ?? 30_000 },
      );
      for (const result of response.results) {
        results.push({
          executionId: result.executionId,
          inserted: result.inserted,
          duplicates: result.duplicates,
          lastSeq: Number(result.lastSeq),
          maxSeq: Number(result.maxSeq),
          gaps: result.gaps.map((gap) => ({ from: Number(gap.from), to: Number(gap.to) })),
          status: result.status as AppendResult['status'],
        });
      }
    }
    return results;
  };
}
