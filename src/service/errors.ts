/**
 * The service's own errors: one code each, with the HTTP status it maps to (gRPC maps the same
 * statuses to its codes). Listed for users in `docs/api.md`.
 */
export const SERVICE_ERRORS = {
  CAIRN_ERR_UNAUTHENTICATED: 401,
  CAIRN_ERR_FORBIDDEN: 403,
  CAIRN_ERR_NOT_FOUND: 404,
  CAIRN_ERR_CONFLICT: 409,
  CAIRN_ERR_INVALID_REQUEST: 400,
  CAIRN_ERR_INVALID_WORKFLOW: 400,
  CAIRN_ERR_INPUT_TOO_LARGE: 413,
  CAIRN_ERR_DOCUMENT_TOO_LARGE: 413,
  CAIRN_ERR_UNAVAILABLE: 503,
} as const;

export type ServiceErrorCode = keyof typeof SERVICE_ERRORS;

export class ServiceError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    /** Structured detail safe to return (e.g. validation issues with file:line:col). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ServiceError';
    this.statusCode = SERVICE_ERRORS[code];
  }
}
