import type { OperatorService } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from './search-attributes.ts';

/** `temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD`. */
const INDEXED_VALUE_TYPE_KEYWORD = 2;

/**
 * Registers Cairn's search attributes in a namespace that lacks them (the dev server launcher
 * registers them at start; a user's own server may not have them, and then every start and
 * every status upsert would be rejected). Idempotent; a server that refuses (e.g. a cloud
 * namespace without operator rights) gets a message saying what to register.
 */
export async function registerSearchAttributes(operator: OperatorService, namespace: string): Promise<void> {
  const { customAttributes } = await operator.listSearchAttributes({ namespace });
  const missing = Object.values(SEARCH_ATTRIBUTES).filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length === 0) return;
  try {
    await operator.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPE_KEYWORD])),
    });
  } catch (error) {
    const names = missing.map((key) => `${key.name} (Keyword)`).join(', ');
    throw new Error(`namespace ${namespace} lacks Cairn's search attributes and they could not be added (${(error as Error).message}); register: ${names}`);
  }
}
