import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';

/** Environment variable holding the base64 AES-256 key shared by clients and workers. */
export const CODEC_KEY_ENV = 'CAIRN_TEMPORAL_CODEC_KEY';

const ENCODING = 'binary/cairn-aes-256-gcm';
const encoder = new TextEncoder();

/**
 * Encrypts every payload (workflow input, activity inputs and results, query answers) with
 * AES-256-GCM before it leaves the process, so a run given `$secrets` never writes them to
 * Temporal history in clear: Temporal's answer to secrets in history is a codec, not a filter.
 * Clients and workers must share the key.
 */
export class EncryptionCodec implements PayloadCodec {
  readonly #key: Buffer;

  constructor(keyBase64: string) {
    this.#key = Buffer.from(keyBase64, 'base64');
    if (this.#key.length !== 32) throw new Error(`${CODEC_KEY_ENV} must be 32 bytes, base64-encoded`);
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = Buffer.from(JSON.stringify(toJson(payload)));
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: encoder.encode(ENCODING) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCODING) return payload;
      const sealed = Buffer.from(payload.data ?? []);
      const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
      return fromJson(JSON.parse(plain.toString()) as JsonPayload);
    });
  }
}

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

function toJson(payload: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) metadata[key] = Buffer.from(value).toString('base64');
  return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
}

function fromJson(json: JsonPayload): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(json.metadata)) metadata[key] = new Uint8Array(Buffer.from(value, 'base64'));
  return { metadata, data: new Uint8Array(Buffer.from(json.data, 'base64')) };
}

/** The codec list for a client or worker: encryption when a key is configured, none otherwise. */
export function payloadCodecs(keyBase64: string | undefined): PayloadCodec[] {
  return keyBase64 ? [new EncryptionCodec(keyBase64)] : [];
}
