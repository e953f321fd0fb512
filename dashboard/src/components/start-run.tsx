import { useEffect, useState } from 'react';
import type { Json } from '../../../src/core/json.ts';
import { listWorkflows, startExecution, type WorkflowSummary } from '../api.ts';
import { navigate } from '../router.ts';

/** Starts a run of a registered workflow with a JSON input, then opens its page. */
export function StartRun() {
  const [workflows, setWorkflows] = useState<WorkflowSummary[]>([]);
  const [choice, setChoice] = useState('');
  const [version, setVersion] = useState('');
  const [input, setInput] = useState('{}');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    listWorkflows()
      .then((page) => {
        setWorkflows(page.items);
        const first = page.items[0];
        if (first) {
          setChoice(`${first.namespace}/${first.name}`);
          setVersion(first.latest);
        }
      })
      .catch((reason: Error) => setError(reason.message));
  }, []);

  const selected = workflows.find((workflow) => `${workflow.namespace}/${workflow.name}` === choice);

  const start = async () => {
    setError(undefined);
    let parsed: Json;
    try {
      parsed = JSON.parse(input) as Json;
    } catch (reason) {
      setError(`input is not JSON: ${(reason as Error).message}`);
      return;
    }
    if (!selected) return;
    setBusy(true);
    try {
      const execution = await startExecution({ namespace: selected.namespace, name: selected.name, version: version || selected.latest }, parsed);
      navigate({ page: 'execution', id: execution.id });
    } catch (reason) {
      setError((reason as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card start-run">
      <h2>Start a run</h2>
      {workflows.length === 0 ? (
        <p className="muted">No registered workflows yet: <code>cairn workflows register FILE</code>.</p>
      ) : (
        <div className="start-form">
          <label>
            workflow
            <select name="workflow" value={choice} onChange={(event) => { setChoice(event.target.value); setVersion(''); }}>
              {workflows.map((workflow) => (
                <option key={`${workflow.namespace}/${workflow.name}`} value={`${workflow.namespace}/${workflow.name}`}>
                  {workflow.namespace}/{workflow.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            version
            <select name="version" value={version || selected?.latest || ''} onChange={(event) => setVersion(event.target.value)}>
              {(selected?.versions ?? []).map((item) => <option key={item}>{item}</option>)}
            </select>
          </label>
          <label className="grow">
            input (JSON)
            <textarea name="input" rows={3} value={input} onChange={(event) => setInput(event.target.value)} spellCheck={false} />
          </label>
          <button type="button" className="primary" disabled={busy || !selected} onClick={start}>
            Start
          </button>
        </div>
      )}
      {error ? <p className="error" role="alert">{error}</p> : null}
    </section>
  );
}
