import { useState } from 'react';
import { saveToken } from '../api.ts';

/** Asks once for the API token; it is kept in this browser's storage, never in a URL. */
export function LoginForm({ onLogin }: { onLogin(): void }) {
  const [token, setToken] = useState('');
  return (
    <section className="card login" data-testid="login">
      <h2>Sign in</h2>
      <p className="muted">
        Paste the API token (<code>cairn serve</code> prints a sign-in link and the token&apos;s file), or set <code>--open</code> for a loopback-only service without one.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!token.trim()) return;
          saveToken(token.trim());
          onLogin();
        }}
      >
        <label>
          API token
          <input name="token" type="password" autoComplete="current-password" value={token} onChange={(event) => setToken(event.target.value)} />
        </label>
        <button type="submit" className="primary">Sign in</button>
      </form>
    </section>
  );
}
