import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';

/** `name:version@catalog`, as the DSL writes a cataloged function. */
export const CATALOG_FUNCTION = /^([^:@\s]+):([^:@\s]+)@([^:@\s]+)$/;

export interface CatalogFunctionReference {
  name: string;
  version: string;
  catalog: string;
}

/** A custom function called by URL: its `function.yaml` itself, or `<catalog root>/<name>@<version>`. */
export const FUNCTION_URL = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

/**
 * Where the function a `call: <URL>` names is defined. A URL ending in `.yaml`, `.yml` or `.json`
 * is the function document (GitHub and GitLab pages turned into raw content); `…/<name>@<version>`
 * (dsl.md, "Using a Custom Function") is `<name>` at `<version>` in the catalog rooted before it.
 */
export function functionUrlDocument(call: string): URL {
  const url = new URL(call);
  const at = /^(.*)\/([^/@]+)@([^/@]+)$/.exec(url.pathname);
  if (at && !/\.(ya?ml|json)$/i.test(url.pathname)) {
    const root = new URL(url.href);
    root.pathname = at[1]!;
    root.search = '';
    return functionDocumentUrl(root.href, { name: decodeURIComponent(at[2]!), version: decodeURIComponent(at[3]!), catalog: root.href }, '/');
  }
  return rawRoot(url);
}

export function parseCatalogFunction(call: string): CatalogFunctionReference | undefined {
  const match = CATALOG_FUNCTION.exec(call);
  return match ? { name: match[1]!, version: match[2]!, catalog: match[3]! } : undefined;
}

/**
 * Where a catalog keeps a function's definition (catalog structure `functions/<name>/<version>/function.yaml`).
 * A root without a scheme is a local folder (relative to `baseDirectory`); GitHub and GitLab
 * repository pages are turned into their raw-content URLs, as the spec asks runtimes to.
 */
export function functionDocumentUrl(catalogRoot: string, reference: CatalogFunctionReference, baseDirectory: string): URL {
  const root = rawRoot(toUrl(catalogRoot, baseDirectory));
  const base = root.href.endsWith('/') ? root.href : `${root.href}/`;
  const relative = ['functions', reference.name, reference.version, 'function.yaml'].map(encodeURIComponent).join('/');
  return new URL(relative, base);
}

function toUrl(root: string, baseDirectory: string): URL {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(root)) return new URL(root);
  return pathToFileURL(isAbsolute(root) ? root : resolvePath(baseDirectory, root));
}

/** github.com/o/r[/tree/ref/dir] → raw.githubusercontent.com/o/r/refs/heads/ref/dir; gitlab …/-/tree/ → …/-/raw/. */
function rawRoot(url: URL): URL {
  if (url.hostname === 'github.com') {
    const [owner, repo, tree, ref, ...rest] = url.pathname.split('/').filter(Boolean);
    if (owner === undefined || repo === undefined) return url;
    const branch = tree === 'tree' && ref !== undefined ? ref : 'main';
    const folder = tree === 'tree' ? rest : [];
    return new URL(['', owner, repo, 'refs', 'heads', branch, ...folder].join('/'), 'https://raw.githubusercontent.com');
  }
  if (url.hostname === 'gitlab.com' && url.pathname.includes('/-/tree/')) {
    return new URL(url.href.replace('/-/tree/', '/-/raw/'));
  }
  return url;
}
