import type { Json } from '../../../src/core/json.ts';
import { CopyButton } from './copy-button.tsx';

/** A JSON value under a title, collapsed unless asked open, with a copy button. */
export function JsonView({ title, value, open = false, testId }: { title: string; value: Json | undefined; open?: boolean; testId?: string }) {
  if (value === undefined) return null;
  const text = JSON.stringify(value, null, 2);
  return (
    <details open={open} className={`json-block json-${title}`}>
      <summary>{title}</summary>
      <CopyButton text={text} label={`Copy ${title}`} />
      <pre data-testid={testId ?? `task-${title}`} tabIndex={0}>{text}</pre>
    </details>
  );
}
