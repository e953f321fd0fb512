/**
 * Where a service keeps an execution's output (its snapshot, `GET /v1/executions/<id>`): the
 * `outputUri` of the spec main's workflow completed event, a claim check on the stored output.
 */
export function executionOutputUri(serviceUrl: string, executionId: string): string {
  return `${serviceUrl.replace(/\/+$/, '')}/v1/executions/${encodeURIComponent(executionId)}`;
}
