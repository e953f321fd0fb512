import type { Json } from '../../../src/core/json.ts';
import { CopyButton } from './copy-button.tsx';
import { StoredJsonView } from './stored-json-view.tsx';

/** A JSON value under a title, collapsed unless asked open, with a copy button; `uri` when the service stored it by reference. */
export function JsonView({ title, value, uri, open = false, testId }: { title: string; value: Json | undefined; uri?: string | undefined; open?: boolean; testId?: string }) {
  if (value === undefined) return uri !== undefined ? <StoredJsonView key={uri} title={title} uri={uri} open={open} {...(testId ? { testId } : {})} /> : null;
  const text = JSON.stringify(value, null, 2);
  return (
    <details open={open} className={`json-block json-${title}`}>
      <summary>{title}</summary>
      <CopyButton text={text} label={`Copy ${title}`} />
      <pre data-testid={testId ?? `task-${title}`} tabIndex={0}>{text}</pre>
    </details>
  );
}
