import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes every Cairn execution carries, so Temporal's UI and `temporal workflow list
 * --query` can find executions by id, by workflow definition and by status. Shared by the
 * workflow (status upserts), the client (initial values) and the dev-server launcher
 * (registration), so the three never disagree on a name or a type.
 */
export const SEARCH_ATTRIBUTES = {
  executionId: defineSearchAttributeKey('CairnExecutionId', SearchAttributeType.KEYWORD),
  workflowNamespace: defineSearchAttributeKey('CairnWorkflowNamespace', SearchAttributeType.KEYWORD),
  workflowName: defineSearchAttributeKey('CairnWorkflowName', SearchAttributeType.KEYWORD),
  workflowVersion: defineSearchAttributeKey('CairnWorkflowVersion', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('CairnStatus', SearchAttributeType.KEYWORD),
} as const;

/** `--search-attribute` values for `temporal server start-dev` (its type names are capitalised). */
export function devServerSearchAttributeFlags(): string[] {
  return Object.values(SEARCH_ATTRIBUTES).flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]);
}
