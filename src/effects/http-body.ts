import type { Json } from '../core/json.ts';

export interface EncodedBody {
  body: string;
  /** Content type to send when the caller did not set one. */
  contentType: string;
}

export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return essence === 'application/json' || essence.endsWith('+json');
}

/**
 * Serialises a request body. JSON unless the caller's content type says otherwise: a string
 * with a non-JSON content type goes as is, an object with `application/x-www-form-urlencoded`
 * is form-encoded, anything else is JSON text.
 */
export function encodeBody(body: Json, declaredContentType: string | undefined): EncodedBody {
  const essence = declaredContentType?.split(';')[0]!.trim().toLowerCase();
  if (essence !== undefined && !isJsonMediaType(essence)) {
    if (typeof body === 'string') return { body, contentType: declaredContentType! };
    if (essence === 'application/x-www-form-urlencoded' && isFlatObject(body)) {
      const form = new URLSearchParams();
      for (const [key, value] of Object.entries(body)) form.append(key, value === null ? '' : String(value));
      return { body: form.toString(), contentType: declaredContentType! };
    }
  }
  return { body: JSON.stringify(body), contentType: declaredContentType ?? 'application/json' };
}

function isFlatObject(value: Json): value is Record<string, string | number | boolean | null> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((item) => item === null || typeof item !== 'object')
  );
}
