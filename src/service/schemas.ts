/**
 * JSON Schemas of the HTTP/JSON API's bodies. Response schemas also decide what is serialized,
 * so nothing the schema does not name (such as a stored document's secrets) leaks by accident.
 */
const anyJson = {};
const problem = { type: 'object', additionalProperties: true } as const;

export const workflowRefSchema = {
  type: 'object',
  required: ['namespace', 'name', 'version'],
  properties: { namespace: { type: 'string' }, name: { type: 'string' }, version: { type: 'string' } },
} as const;

export const executionSchema = {
  type: 'object',
  required: ['id', 'workflow', 'status', 'createdAt', 'updatedAt', 'lastSeq'],
  properties: {
    id: { type: 'string' },
    workflow: workflowRefSchema,
    status: { type: 'string' },
    input: anyJson,
    inputUri: { type: 'string' },
    output: anyJson,
    outputUri: { type: 'string' },
    error: problem,
    createdAt: { type: 'string' },
    startedAt: { type: 'string' },
    endedAt: { type: 'string' },
    updatedAt: { type: 'string' },
    lastSeq: { type: 'integer' },
    maxSeq: { type: 'integer' },
    trigger: { type: 'string' },
    parentExecutionId: { type: 'string' },
    parentTask: { type: 'string' },
    parentIteration: { type: 'string' },
    cancelReason: { type: 'string' },
    malformed: { type: 'array', items: { type: 'string' } },
    reportToken: { type: 'string' },
  },
} as const;

export const taskSchema = {
  type: 'object',
  required: ['ref', 'status', 'attempts', 'seq'],
  properties: {
    ref: { type: 'string' },
    iteration: { type: 'string' },
    status: { type: 'string' },
    createdAt: { type: 'string' },
    startedAt: { type: 'string' },
    endedAt: { type: 'string' },
    attempts: { type: 'integer' },
    output: anyJson,
    outputUri: { type: 'string' },
    error: problem,
    seq: { type: 'integer' },
  },
} as const;

export const snapshotSchema = {
  type: 'object',
  required: ['execution', 'tasks'],
  properties: { execution: executionSchema, tasks: { type: 'array', items: taskSchema }, tasksBeforeSeq: { type: 'integer' } },
} as const;

/** A page of one task's instances: their progress events, in sequence order. */
export const taskInstancesSchema = {
  type: 'object',
  required: ['events'],
  properties: { events: { type: 'array', items: { type: 'object', additionalProperties: true } }, nextCursor: { type: 'string' } },
} as const;

export const pageSchema = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: executionSchema }, nextCursor: { type: 'string' } },
} as const;

export const appendResultSchema = {
  type: 'object',
  required: ['executionId', 'inserted', 'duplicates', 'lastSeq', 'maxSeq', 'gaps', 'status'],
  properties: {
    executionId: { type: 'string' },
    inserted: { type: 'integer' },
    duplicates: { type: 'integer' },
    lastSeq: { type: 'integer' },
    maxSeq: { type: 'integer' },
    gaps: { type: 'array', items: { type: 'object', properties: { from: { type: 'integer' }, to: { type: 'integer' } } } },
    status: { type: 'string' },
  },
} as const;

/** A registered version without its document (lists). */
export const workflowVersionSummarySchema = {
  type: 'object',
  required: ['namespace', 'name', 'version', 'registeredAt'],
  properties: { ...workflowRefSchema.properties, registeredAt: { type: 'string' } },
} as const;

export const workflowVersionSchema = {
  ...workflowVersionSummarySchema,
  properties: { ...workflowVersionSummarySchema.properties, document: { type: 'string' } },
} as const;

export const workflowSummarySchema = {
  type: 'object',
  required: ['namespace', 'name', 'versions', 'latest'],
  properties: { namespace: { type: 'string' }, name: { type: 'string' }, versions: { type: 'array', items: { type: 'string' } }, latest: { type: 'string' } },
} as const;

export const errorSchema = {
  type: 'object',
  required: ['statusCode', 'code', 'message'],
  properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, error: { type: 'string' }, message: { type: 'string' }, details: anyJson },
} as const;

/** Error responses every API route can give. */
export const errorResponses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema } as const;
