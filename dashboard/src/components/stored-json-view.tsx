import { useEffect, useState } from 'react';
import type { Json } from '../../../src/core/json.ts';
import { getStoredValue } from '../api.ts';
import { CopyButton } from './copy-button.tsx';

type Loaded = { state: 'idle' | 'loading' } | { state: 'loaded'; text: string } | { state: 'failed'; message: string };

/**
 * A value the service stored by reference (too large to travel in events): fetched from its
 * `…Uri` the first time it is opened, then shown like any other JSON value.
 */
export function StoredJsonView({ title, uri, open = false, testId }: { title: string; uri: string; open?: boolean; testId?: string }) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'idle' });
  const load = () => {
    if (loaded.state !== 'idle') return;
    setLoaded({ state: 'loading' });
    getStoredValue(uri).then(
      (value: Json) => setLoaded({ state: 'loaded', text: JSON.stringify(value, null, 2) }),
      (error: Error) => setLoaded({ state: 'failed', message: error.message }),
    );
  };
  useEffect(() => {
    if (open) load();
  }, [open]);
  return (
    <details open={open} className={`json-block json-${title}`} data-uri={uri} onToggle={(event) => event.currentTarget.open && load()}>
      <summary>{title} <span className="muted">(large: loaded when opened)</span></summary>
      {loaded.state === 'loaded' ? (
        <>
          <CopyButton text={loaded.text} label={`Copy ${title}`} />
          <pre data-testid={testId ?? `task-${title}`} tabIndex={0}>{loaded.text}</pre>
        </>
      ) : (
        <p className={loaded.state === 'failed' ? 'error' : 'muted'} role={loaded.state === 'failed' ? 'alert' : undefined}>
          {loaded.state === 'failed' ? loaded.message : 'loading…'}
        </p>
      )}
    </details>
  );
}
