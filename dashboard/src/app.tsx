import { ExecutionPage } from './pages/execution-page.tsx';
import { ExecutionsPage } from './pages/executions-page.tsx';
import { navigate, useRoute } from './router.ts';

export function App() {
  const route = useRoute();
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/" onClick={(event) => { event.preventDefault(); navigate({ page: 'list' }); }}>
          ◭ Cairn
        </a>
        <span className="subtitle">workflow executions, live</span>
      </header>
      <main>{route.page === 'execution' ? <ExecutionPage key={route.id} id={route.id} /> : <ExecutionsPage />}</main>
    </div>
  );
}
