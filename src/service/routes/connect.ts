import { fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import { ValueSchema, type Value } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import { fastifyConnectPlugin } from '@connectrpc/connect-fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { EventType, ProgressEvent, WorkflowStatus } from '../../core/events.ts';
import type { Json } from '../../core/json.ts';
import type { ExecutionRecord, TaskState, WorkflowDocumentRecord } from '../../store/execution-store.ts';
import { bearerToken, type Principal } from '../access.ts';
import type { RouteOptions, ServiceContext } from '../context.ts';
import { ServiceError } from '../errors.ts';
import { followExecution } from '../follow-execution.ts';
import { ExecutionService as ExecutionServiceDesc, type ProgressEvent as ProtoProgressEvent } from '../gen/cairn/v1/execution_service_pb.ts';

const CONNECT_CODES: Record<number, Code> = {
  400: Code.InvalidArgument,
  401: Code.Unauthenticated,
  403: Code.PermissionDenied,
  404: Code.NotFound,
  409: Code.FailedPrecondition,
  413: Code.ResourceExhausted,
  503: Code.Unavailable,
};

function toConnectError(error: unknown): unknown {
  return error instanceof ServiceError ? new ConnectError(error.message, CONNECT_CODES[error.statusCode] ?? Code.Unknown) : error;
}

function value(json: Json | undefined): Value | undefined {
  return json === undefined ? undefined : fromJson(ValueSchema, json as JsonValue);
}

function execution(record: ExecutionRecord) {
  return {
    id: record.id,
    workflow: record.workflow,
    status: record.status,
    input: value(record.input),
    output: value(record.output),
    error: record.error,
    createdAt: record.createdAt,
    startedAt: record.startedAt ?? '',
    endedAt: record.endedAt ?? '',
    updatedAt: record.updatedAt,
    lastSeq: BigInt(record.lastSeq),
    maxSeq: BigInt(record.maxSeq),
    inputUri: record.inputUri,
    outputUri: record.outputUri,
    trigger: record.trigger,
    parentExecutionId: record.parentExecutionId,
    parentTask: record.parentTask,
    parentIteration: record.parentIteration,
    cancelReason: record.cancelReason,
  };
}

/** The HTTP route's bound on a cancel reason (it is stored and logged). */
const MAX_REASON_LENGTH = 500;

function task(state: TaskState) {
  return {
    ref: state.ref,
    iteration: state.iteration,
    status: state.status,
    startedAt: state.startedAt ?? '',
    endedAt: state.endedAt ?? '',
    attempts: state.attempts,
    output: value(state.output),
    outputUri: state.outputUri,
    error: state.error,
    seq: BigInt(state.seq),
  };
}

function workflowVersion({ namespace, name, version, registeredAt }: WorkflowDocumentRecord) {
  return { namespace, name, version, registeredAt };
}

function fromProtoEvent(event: ProtoProgressEvent): ProgressEvent {
  return {
    specversion: '1.0',
    id: event.id,
    source: event.source,
    type: event.type as EventType,
    time: event.time,
    datacontenttype: 'application/json',
    executionid: event.executionid,
    seq: Number(event.seq),
    ...(event.subject !== undefined ? { subject: event.subject } : {}),
    ...(event.iteration !== undefined ? { iteration: event.iteration } : {}),
    ...(event.attempt !== undefined ? { attempt: event.attempt } : {}),
    data: (event.data ?? {}) as ProgressEvent['data'],
  };
}

function toProtoEvent(event: ProgressEvent) {
  return { ...event, seq: BigInt(event.seq), data: event.data as Record<string, JsonValue> };
}

/** The same `ExecutionService` behind gRPC, gRPC-Web and Connect (proto in `proto/cairn/v1`). */
function routes(context: ServiceContext, log: FastifyBaseLogger) {
  const principal = (handler: HandlerContext): Principal => context.access.authenticate(bearerToken(handler.requestHeader.get('authorization') ?? undefined, undefined));
  const client = (handler: HandlerContext) => context.access.requireClient(principal(handler));
  const { service } = context;

  return (router: ConnectRouter) =>
    router.service(ExecutionServiceDesc, {
      async reportProgress(request, handler) {
        const events = request.events.map(fromProtoEvent);
        context.access.requireReportAccess(principal(handler), events);
        const results = await service.ingest(events);
        return {
          results: results.map((result) => ({
            ...result,
            lastSeq: BigInt(result.lastSeq),
            maxSeq: BigInt(result.maxSeq),
            gaps: result.gaps.map((gap) => ({ from: BigInt(gap.from), to: BigInt(gap.to) })),
          })),
        };
      },
      async startExecution(request, handler) {
        client(handler);
        // As the HTTP start: the trace continues the request's (the server span's, when tracing is on).
        const traceparent = handler.requestHeader.get('traceparent');
        const record = await service.start({
          ...(request.document ? { document: request.document } : {}),
          ...(request.workflow ? { workflow: { namespace: request.workflow.namespace || 'default', name: request.workflow.name, ...(request.workflow.version ? { version: request.workflow.version } : {}) } } : {}),
          input: request.input ? (toJson(ValueSchema, request.input) as Json) : {},
        }, traceparent ? { traceparent } : {});
        return { execution: execution(record), reportToken: context.access.reportToken(record.id) };
      },
      async getExecution(request, handler) {
        client(handler);
        const snapshot = await service.get(request.id);
        return { execution: execution(snapshot.execution), tasks: snapshot.tasks.map(task) };
      },
      async listExecutions(request, handler) {
        client(handler);
        const page = await service.list({
          ...(request.namespace ? { namespace: request.namespace } : {}),
          ...(request.name ? { name: request.name } : {}),
          ...(request.version ? { version: request.version } : {}),
          ...(request.status.length ? { status: request.status as WorkflowStatus[] } : {}),
          ...(request.createdAfter ? { createdAfter: request.createdAfter } : {}),
          ...(request.createdBefore ? { createdBefore: request.createdBefore } : {}),
          ...(request.cursor ? { cursor: request.cursor } : {}),
          ...(request.limit ? { limit: request.limit } : {}),
          ...(request.parent ? { parentExecutionId: request.parent } : {}),
        });
        return { items: page.items.map(execution), nextCursor: page.nextCursor ?? '' };
      },
      async cancelExecution(request, handler) {
        client(handler);
        if (request.reason.length > MAX_REASON_LENGTH) throw new ConnectError(`reason: at most ${MAX_REASON_LENGTH} characters`, Code.InvalidArgument);
        const reason = request.reason || undefined;
        if (reason) log.info({ executionId: request.id, action: 'cancel', reason }, 'cancel requested');
        return { execution: execution(await service.control(request.id, 'cancel', reason)) };
      },
      async suspendExecution(request, handler) {
        client(handler);
        return { execution: execution(await service.control(request.id, 'suspend')) };
      },
      async resumeExecution(request, handler) {
        client(handler);
        return { execution: execution(await service.control(request.id, 'resume')) };
      },
      async *watchExecution(request, handler) {
        // Streams are outside the unary interceptor: map service errors here.
        try {
          client(handler);
          await service.get(request.id);
        } catch (error) {
          throw toConnectError(error);
        }
        const queue: Array<ProgressEvent | { end: true } | { error: unknown }> = [];
        let wake = () => {};
        const stop = followExecution(context.store, context.hub, request.id, Number(request.afterSeq), {
          event: (event) => (queue.push(event), wake()),
          end: () => (queue.push({ end: true }), wake()),
          fail: (error) => (queue.push({ error }), wake()),
        });
        handler.signal.addEventListener('abort', () => (stop(), wake()));
        try {
          while (!handler.signal.aborted) {
            const next = queue.shift();
            if (!next) {
              await new Promise<void>((resolve) => (wake = resolve));
              continue;
            }
            if ('end' in next) return;
            if ('error' in next) throw new ConnectError('the stream failed; watch again with after_seq', Code.Unavailable);
            yield toProtoEvent(next);
          }
        } finally {
          stop();
        }
      },
      async publishEvents(request, handler) {
        client(handler);
        return { accepted: await service.publish(request.events as never) };
      },
      async registerWorkflow(request, handler) {
        client(handler);
        const { created, workflow } = await service.registerWorkflow(request.document);
        return { created, workflow: workflowVersion(workflow) };
      },
      async listWorkflows(_request, handler) {
        client(handler);
        return { items: await service.listWorkflows() };
      },
      async getWorkflowVersions(request, handler) {
        client(handler);
        return { items: (await service.workflowVersions(request.namespace, request.name)).map(workflowVersion) };
      },
    });
}

/** Serves the proto-defined API at `/cairn.v1.ExecutionService/<Method>`; service errors keep their message and map to gRPC codes. */
export async function connectRoutes(app: FastifyInstance, { context }: RouteOptions): Promise<void> {
  await app.register(fastifyConnectPlugin, {
    routes: routes(context, app.log),
    interceptors: [
      (next) => async (request) => {
        try {
          return await next(request);
        } catch (error) {
          throw toConnectError(error);
        }
      },
    ],
  });
}
