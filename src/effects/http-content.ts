import type { Json } from '../core/json.ts';
import { isJsonMediaType } from './http-body.ts';

const TEXT_MEDIA_TYPES = new Set([
  'application/xml',
  'application/javascript',
  'application/x-www-form-urlencoded',
  'application/yaml',
  'application/x-yaml',
]);

function isTextMediaType(essence: string): boolean {
  return essence.startsWith('text/') || essence.endsWith('+xml') || TEXT_MEDIA_TYPES.has(essence);
}

/**
 * The response content as a workflow sees it: parsed JSON for JSON media types, text for textual
 * ones (or when the server names no type), base64 for binary ones (spec "HTTP Response"); null when empty.
 */
export function decodeContent(bytes: Uint8Array, contentType: string | null): Json {
  if (bytes.byteLength === 0) return null;
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = (): string => new TextDecoder('utf-8').decode(bytes);
  if (isJsonMediaType(essence)) {
    const source = text();
    try {
      return JSON.parse(source) as Json;
    } catch {
      // A server that mislabels text as JSON still answered: hand the text over rather than fail.
      return source;
    }
  }
  if (essence === '' || isTextMediaType(essence)) return text();
  return Buffer.from(bytes).toString('base64');
}

export function toBase64(bytes: Uint8Array): string | null {
  return bytes.byteLength === 0 ? null : Buffer.from(bytes).toString('base64');
}
