import { createHash, randomBytes } from 'node:crypto';

/** The fields of a `WWW-Authenticate: Digest …` challenge (RFC 7616), lower-cased names. */
export function parseDigestChallenge(header: string): Record<string, string> | undefined {
  const match = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!match) return undefined;
  const fields: Record<string, string> = {};
  for (const part of match[1]!.matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)) {
    fields[part[1]!.toLowerCase()] = (part[2] ?? part[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return fields.nonce === undefined ? undefined : fields;
}

/** The `Authorization: Digest …` answer to a challenge (MD5, SHA-256 and their -sess variants; qop auth). */
export function digestAuthorization(
  challenge: Record<string, string>,
  credentials: { username: string; password: string },
  method: string,
  uri: string,
): string {
  const algorithm = (challenge.algorithm ?? 'MD5').toUpperCase();
  const hashName = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const hash = (text: string) => createHash(hashName).update(text).digest('hex');
  const realm = challenge.realm ?? '';
  const nonce = challenge.nonce!;
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const qop = challenge.qop?.split(',').map((item) => item.trim()).includes('auth') ? 'auth' : undefined;
  let ha1 = hash(`${credentials.username}:${realm}:${credentials.password}`);
  if (algorithm.endsWith('-SESS')) ha1 = hash(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = hash(`${method}:${uri}`);
  const response = qop ? hash(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : hash(`${ha1}:${nonce}:${ha2}`);
  const parts = [
    `username="${quote(credentials.username)}"`,
    `realm="${quote(realm)}"`,
    `nonce="${quote(nonce)}"`,
    `uri="${quote(uri)}"`,
    `algorithm=${challenge.algorithm ?? 'MD5'}`,
    `response="${response}"`,
  ];
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  if (challenge.opaque !== undefined) parts.push(`opaque="${quote(challenge.opaque)}"`);
  return `Digest ${parts.join(', ')}`;
}

function quote(text: string): string {
  return text.replace(/(["\\])/g, '\\$1');
}
