import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkflowDocument } from '../../core/model.ts';

/** Where `run: workflow` finds sub-workflows: by namespace, name and version (`latest` = highest version). */
export interface WorkflowRegistry {
  find(namespace: string, name: string, version: string): Promise<WorkflowDocument | undefined>;
}

/** A registry over documents already loaded (and validated) by the caller. */
export function createWorkflowRegistry(documents: readonly WorkflowDocument[]): WorkflowRegistry {
  return {
    async find(namespace, name, version) {
      const candidates = documents.filter(({ document }) => document.namespace === namespace && document.name === name);
      if (version !== 'latest') return candidates.find(({ document }) => document.version === version);
      return [...candidates].sort((a, b) => compareVersions(b.document.version, a.document.version))[0];
    },
  };
}

/** Dotted versions compared numerically segment by segment (`0.10.0` > `0.9.1`), text segments as text. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.+-]/);
  const right = b.split(/[.+-]/);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const x = left[index] ?? '';
    const y = right[index] ?? '';
    const difference = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Loads one workflow file (the caller's loader, with its validation). */
export type WorkflowFileLoader = (path: string) => Promise<WorkflowDocument>;

/**
 * A registry over the `.yaml`, `.yml` and `.json` files of a folder (not recursive), loaded once on
 * first use; a file that fails to load fails the lookup with its loader error.
 */
export function createDirectoryRegistry(directory: string, load: WorkflowFileLoader): WorkflowRegistry {
  let registry: Promise<WorkflowRegistry> | undefined;
  return {
    find(namespace, name, version) {
      registry ??= (async () => {
        const files = (await readdir(directory)).filter((file) => /\.(ya?ml|json)$/i.test(file)).sort();
        return createWorkflowRegistry(await Promise.all(files.map((file) => load(join(directory, file)))));
      })();
      return registry.then((loaded) => loaded.find(namespace, name, version));
    },
  };
}
