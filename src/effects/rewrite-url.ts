/**
 * Applies origin → origin rewrites (test fixtures standing in for public hosts).
 * Origins compare after URL normalisation, so `https://Host:443` matches `https://host`.
 */
export function rewriteUrl(url: URL, rewrites: Record<string, string> | undefined): URL {
  if (rewrites === undefined) return url;
  for (const [from, to] of Object.entries(rewrites)) {
    if (new URL(from).origin !== url.origin) continue;
    const target = new URL(to);
    const rewritten = new URL(url.href);
    rewritten.protocol = target.protocol;
    rewritten.host = target.host;
    return rewritten;
  }
  return url;
}
