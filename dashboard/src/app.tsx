import { useEffect, useState } from 'react';
import { UNAUTHORIZED_EVENT, consumeLoginLink, forgetToken } from './api.ts';
import { LoginForm } from './components/login-form.tsx';
import { ExecutionPage } from './pages/execution-page.tsx';
import { ExecutionsPage } from './pages/executions-page.tsx';
import { routeHref, useRoute } from './router.ts';

consumeLoginLink();

export function App() {
  const route = useRoute();
  const [signedOut, setSignedOut] = useState(false);
  const [session, setSession] = useState(0);
  useEffect(() => {
    const onUnauthorized = () => setSignedOut(true);
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, []);
  const signIn = () => {
    setSignedOut(false);
    setSession((value) => value + 1);
  };
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href={routeHref({ page: 'list' })}>◭ Cairn</a>
        <span className="subtitle">workflow executions, live</span>
        {!signedOut ? <button type="button" className="link sign-out" onClick={() => { forgetToken(); setSignedOut(true); }}>Sign out</button> : null}
      </header>
      <main key={session}>
        {signedOut ? <LoginForm onLogin={signIn} /> : route.page === 'execution' ? <ExecutionPage key={route.id} id={route.id} query={route.query} /> : <ExecutionsPage query={route.query} />}
      </main>
    </div>
  );
}
