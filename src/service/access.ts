import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { EVENT_TYPES, type ProgressEvent } from '../core/events.ts';
import { ServiceError } from './errors.ts';

/** Who is calling: a client holding an API token, or a runner holding one execution's report token. */
export type Principal = { kind: 'client' } | { kind: 'reporter'; token: string };

export interface AccessOptions {
  /** Tokens that allow every API call. Empty means the service is open (tests, trusted loopback only). */
  apiTokens: string[];
  /** Key of the report tokens' HMAC; keep it secret and stable across restarts. */
  reportSecret: string;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * API tokens and per-execution report tokens. A report token is an HMAC of the execution id, so
 * it is checked without a lookup and cannot be turned into another execution's token.
 */
export class AccessControl {
  private readonly apiTokenDigests: Buffer[];

  constructor(private readonly options: AccessOptions) {
    this.apiTokenDigests = options.apiTokens.map(digest);
  }

  get open(): boolean {
    return this.apiTokenDigests.length === 0;
  }

  reportToken(executionId: string): string {
    return `cairn-report.${createHmac('sha256', this.options.reportSecret).update(executionId).digest('base64url')}`;
  }

  /** Resolves the caller from a bearer token; throws 401 when no valid token is given. */
  authenticate(token: string | undefined): Principal {
    if (token?.startsWith('cairn-report.')) return { kind: 'reporter', token };
    if (this.open) return { kind: 'client' };
    if (token === undefined) throw new ServiceError('CAIRN_ERR_UNAUTHENTICATED', 'an API token is required (Authorization: Bearer <token>)');
    const given = digest(token);
    if (this.apiTokenDigests.some((known) => timingSafeEqual(known, given))) return { kind: 'client' };
    throw new ServiceError('CAIRN_ERR_UNAUTHENTICATED', 'the API token is not valid');
  }

  /** Clients may do anything; a reporter nothing but report. */
  requireClient(principal: Principal): void {
    if (principal.kind !== 'client') throw new ServiceError('CAIRN_ERR_FORBIDDEN', 'a report token only allows reporting progress');
  }

  /**
   * A reporter may only write events of the execution its token was issued for, and of that
   * execution's `run: workflow` children, whose ids extend their parent's (`parent.child`). A
   * started event's parent claim must name an ancestor in the id, so no reporter can list its
   * execution among another execution's children.
   */
  requireReportAccess(principal: Principal, events: readonly ProgressEvent[]): void {
    if (principal.kind === 'client') return;
    const given = Buffer.from(principal.token);
    const allows = (executionId: string) => {
      const expected = Buffer.from(this.reportToken(executionId));
      return expected.length === given.length && timingSafeEqual(expected, given);
    };
    for (const executionId of new Set(events.map((event) => event.executionid))) {
      const lineage = executionId.split('.').map((_, depth, parts) => parts.slice(0, depth + 1).join('.'));
      if (!lineage.some(allows)) {
        throw new ServiceError('CAIRN_ERR_FORBIDDEN', `the report token does not allow events for execution ${executionId}`);
      }
    }
    for (const event of events) {
      // Reports are checked before the store validates them: data may be anything.
      const data = event.data as { parent?: { executionId?: unknown } } | null | undefined;
      const claimed = event.type === EVENT_TYPES.workflowStarted ? data?.parent?.executionId : undefined;
      if (claimed !== undefined && !(typeof claimed === 'string' && event.executionid.startsWith(`${claimed}.`))) {
        throw new ServiceError('CAIRN_ERR_FORBIDDEN', `execution ${event.executionid} cannot report ${JSON.stringify(claimed)} as its parent: a child's id extends its parent's`);
      }
    }
  }
}

/** The bearer token of a request: `Authorization: Bearer …`, or `access_token` in the query when given one (stream routes: EventSource cannot set headers). */
export function bearerToken(authorization: string | undefined, query: unknown): string | undefined {
  const match = authorization?.match(/^Bearer\s+(.+)$/i);
  if (match) return match[1]!.trim();
  const fromQuery = (query as { access_token?: unknown } | undefined)?.access_token;
  return typeof fromQuery === 'string' && fromQuery !== '' ? fromQuery : undefined;
}
