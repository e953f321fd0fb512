import type { WorkflowDocument } from '../../core/model.ts';
import { DocumentShelf } from './document-shelf.ts';
import type { WorkerRunRequest, WorkerStart } from './worker-protocol.ts';

/** Ids of documents, the same for every thread: a service runs the same (cached) document objects again. */
const documentIds = new WeakMap<WorkflowDocument, number>();
let lastDocumentId = 0;

/**
 * What the parent knows one worker thread holds: the documents it was sent (a shelf kept in step
 * with the thread's own) and the effect policy last sent. Copying a document into a thread costs
 * more than running a short execution of it, so it travels once per thread.
 */
export class ThreadHoldings {
  private readonly documents = new DocumentShelf<true>();
  private policyText: string | undefined;

  /** The start message for `request`, carrying its document and effect policy only when the thread lacks them. */
  start(request: WorkerRunRequest): WorkerStart {
    const { document, effectPolicy, ...run } = request;
    let documentId = documentIds.get(document);
    if (documentId === undefined) documentIds.set(document, (documentId = lastDocumentId += 1));
    const held = this.documents.take(documentId) !== undefined;
    if (!held) this.documents.put(documentId, true);
    // Compared as text: the service changes its policy object after building it (it adds its own address).
    const policyText = effectPolicy ? JSON.stringify(effectPolicy) : undefined;
    const policyChanged = policyText !== this.policyText;
    this.policyText = policyText;
    return { kind: 'start', run, documentId, ...(held ? {} : { document }), ...(policyChanged ? { effectPolicy: effectPolicy ?? null } : {}) };
  }
}
