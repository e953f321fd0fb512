import type { AttemptRecord } from '../../../src/cli/views/task-tree-state.ts';
import { formatDuration } from '../time.ts';

const message = (attempt: AttemptRecord) => {
  const { title, detail } = attempt.error ?? {};
  return [title, detail].filter((part) => typeof part === 'string').join(': ') || 'failed';
};

/** Every failed attempt of a task instance: its error, how long it ran and the backoff before the next. */
export function AttemptsList({ attempts }: { attempts: AttemptRecord[] }) {
  if (attempts.length === 0) return null;
  return (
    <ol className="attempts" data-testid="attempts" aria-label="failed attempts">
      {attempts.map((attempt) => (
        <li key={`${attempt.attempt}-${attempt.endedAt}`} data-attempt={attempt.attempt + 1}>
          <span className="attempt-number">attempt {attempt.attempt + 1}</span>
          <span className="attempt-error error">{message(attempt)}</span>
          {attempt.startedAt !== undefined ? <span className="muted">ran {formatDuration(attempt.endedAt - attempt.startedAt)}</span> : null}
          {attempt.retryDelayMs !== undefined ? <span className="muted">then waited {formatDuration(attempt.retryDelayMs)}</span> : null}
        </li>
      ))}
    </ol>
  );
}
