import type { JsonObject } from '../../../src/core/json.ts';
import type { TaskNode } from '../../../src/cli/views/task-tree-state.ts';
import { CopyButton } from './copy-button.tsx';

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** One line saying why the run faulted, a link that selects the failing task, and the full error on demand. */
export function FailureSummary({ error, task, onSelect }: { error: JsonObject; task: TaskNode | undefined; onSelect(pointer: string): void }) {
  const title = text(error.title) ?? text(error.type)?.split('/').pop() ?? 'error';
  const detail = text(error.detail);
  const json = JSON.stringify(error, null, 2);
  return (
    <section className="card failure" data-testid="failure-summary" role="alert">
      <p className="failure-line">
        <strong>Faulted</strong>
        {task ? (
          <>
            {' in '}
            <a href={`#task=${task.ref}`} className="failing-task" onClick={(event) => { event.preventDefault(); onSelect(task.ref); }}>
              {task.name}{task.iteration !== undefined ? ` [${task.iteration}]` : ''}
            </a>
          </>
        ) : null}
        {': '}
        <span className="failure-title">{title}</span>
        {detail ? <span className="failure-detail"> — {detail}</span> : null}
        {typeof error.status === 'number' ? <span className="muted"> (status {error.status})</span> : null}
      </p>
      <details>
        <summary>full error</summary>
        <CopyButton text={json} label="Copy error" />
        <pre className="error">{json}</pre>
      </details>
    </section>
  );
}
