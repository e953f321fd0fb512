import { useState } from 'react';
import type { Json } from '../../../src/core/json.ts';
import { controlExecution, startDocument, type ExecutionRecord } from '../api.ts';
import { navigate } from '../router.ts';
import { CancelDialog } from './cancel-dialog.tsx';

interface ExecutionActionsProps {
  id: string;
  status: string;
  finished: boolean;
  document: string | undefined;
  input: Json | undefined;
  onRecord(record: ExecutionRecord): void;
  onError(message: string | undefined): void;
}

/** Suspend, resume, cancel (after confirmation) and re-run with the same definition and input. */
export function ExecutionActions({ id, status, finished, document, input, onRecord, onError }: ExecutionActionsProps) {
  const [confirming, setConfirming] = useState(false);
  const act = (action: 'cancel' | 'suspend' | 'resume', reason?: string) => {
    onError(undefined);
    controlExecution(id, action, reason)
      .then(onRecord)
      .catch((error: Error) => onError(`${action}: ${error.message}`));
  };
  const rerun = () => {
    if (document === undefined) return;
    onError(undefined);
    startDocument(document, input ?? {})
      .then((record) => navigate({ page: 'execution', id: record.id }))
      .catch((error: Error) => onError(`re-run: ${error.message}`));
  };
  return (
    <span className="actions">
      <button type="button" disabled={finished || status === 'suspended'} onClick={() => act('suspend')}>Suspend</button>
      <button type="button" disabled={status !== 'suspended'} onClick={() => act('resume')}>Resume</button>
      <button type="button" className="danger" disabled={finished} onClick={() => setConfirming(true)}>Cancel</button>
      <button type="button" disabled={document === undefined || input === undefined} onClick={rerun} title="start a new run with the same definition and input">Re-run</button>
      <CancelDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={(reason) => {
          setConfirming(false);
          act('cancel', reason || undefined);
        }}
      />
    </span>
  );
}
