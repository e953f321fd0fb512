import { useState } from 'react';
import type { Json, JsonObject } from '../../../src/core/json.ts';
import { publishEvent } from '../api.ts';

const field = (filter: JsonObject | undefined, name: string) => (typeof filter?.[name] === 'string' ? (filter[name] as string) : '');

/** Publishes a CloudEvent to the service, prefilled from the waiting `listen` task's filter. */
export function SendEventForm({ filter }: { filter: JsonObject | undefined }) {
  const [type, setType] = useState(field(filter, 'type'));
  const [source, setSource] = useState(field(filter, 'source') || 'cairn.dashboard');
  const [data, setData] = useState('{}');
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const send = async () => {
    let parsed: Json;
    try {
      parsed = JSON.parse(data) as Json;
    } catch (reason) {
      setMessage({ ok: false, text: `data is not JSON: ${(reason as Error).message}` });
      return;
    }
    try {
      await publishEvent({ specversion: '1.0', id: crypto.randomUUID(), type, source, datacontenttype: 'application/json', data: parsed });
      setMessage({ ok: true, text: 'sent' });
    } catch (reason) {
      setMessage({ ok: false, text: (reason as Error).message });
    }
  };
  return (
    <form className="send-event" data-testid="send-event" onSubmit={(event) => { event.preventDefault(); void send(); }}>
      <h4>Send an event</h4>
      <label>type<input name="event-type" value={type} onChange={(event) => setType(event.target.value)} required /></label>
      <label>source<input name="event-source" value={source} onChange={(event) => setSource(event.target.value)} required /></label>
      <label>data (JSON)<textarea name="event-data" rows={3} value={data} onChange={(event) => setData(event.target.value)} spellCheck={false} /></label>
      <button type="submit" className="primary">Send event</button>
      {message ? <p className={message.ok ? 'muted' : 'error'} role="status">{message.text}</p> : null}
    </form>
  );
}
