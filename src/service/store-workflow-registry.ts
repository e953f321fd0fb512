import type { ExpressionEngine } from '../jq/engine.ts';
import type { WorkflowRegistry } from '../effects/run/workflow-registry.ts';
import { loadWorkflow } from '../loader/load-workflow.ts';
import type { ExecutionStore } from '../store/execution-store.ts';

/** `run: workflow` under `cairn serve`: children are the workflows registered at the service (`latest` = highest version). */
export function createStoreWorkflowRegistry(store: ExecutionStore, engine: ExpressionEngine): WorkflowRegistry {
  return {
    async find(namespace, name, version) {
      const registered = await store.getWorkflow(namespace, name, version === 'latest' ? undefined : version);
      return registered ? loadWorkflow(registered.document, `${namespace}/${name}@${registered.version}`, { engine }) : undefined;
    },
  };
}
