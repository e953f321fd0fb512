import type { WorkflowDocument } from '../core/model.ts';
import { loadWorkflowFile, type LoadWorkflowOptions } from '../loader/load-workflow.ts';
import { resolveCatalogFunctions } from './resolve-catalog-functions.ts';

/**
 * A workflow file as hosts run it: validated, with every catalog function it calls resolved into
 * `use.functions`. Throws `WorkflowLoadError` with located issues.
 */
export async function loadRunnableWorkflowFile(path: string, options: LoadWorkflowOptions): Promise<WorkflowDocument> {
  const document = await loadWorkflowFile(path, options);
  return resolveCatalogFunctions(document, { fileName: path, engine: options.engine });
}
