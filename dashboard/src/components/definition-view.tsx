import { CopyButton } from './copy-button.tsx';

/** The workflow definition the run executes, as YAML. */
export function DefinitionView({ document }: { document: string | undefined }) {
  if (document === undefined) return null;
  return (
    <details className="card definition" data-testid="definition">
      <summary>
        <h2 className="inline">Definition</h2>
      </summary>
      <CopyButton text={document} label="Copy definition" />
      <pre tabIndex={0}>{document}</pre>
    </details>
  );
}
