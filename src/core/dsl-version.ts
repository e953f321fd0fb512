/**
 * How Cairn reads a document, by its `document.dsl`:
 * - `release`: 1.0.0 to 1.0.3, run exactly as the v1.0.3 specification says;
 * - `alpha`: a 1.0.0 pre-release (`1.0.0-alpha5`), run as 1.0 with warnings for what changed meaning;
 * - `main`: a 1.x version above 1.0.3, an explicit opt-in to the specification's main branch
 *   (post-1.0.3 changes, see docs/semantics.md).
 */
export type DslLine = 'release' | 'alpha' | 'main';

const RELEASE = /^1\.0\.[0-3]$/;
const ALPHA = /^1\.0\.0-alpha[1-5]$/;
const SEMVER = /^1\.(\d+)\.(\d+)$/;

/** The line a `document.dsl` value belongs to; undefined for versions Cairn does not run. */
export function dslLine(version: unknown): DslLine | undefined {
  if (typeof version !== 'string') return undefined;
  if (RELEASE.test(version)) return 'release';
  if (ALPHA.test(version)) return 'alpha';
  const match = SEMVER.exec(version);
  if (match && (Number(match[1]) > 0 || Number(match[2]) > 3)) return 'main';
  return undefined;
}
