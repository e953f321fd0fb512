/** The service's default bounds on a workflow document sent to it (`--max-document-bytes`, `--max-document-tasks`). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DOCUMENT_TASKS = 10_000;
