import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientFrom } from '../../src/cli/service-client.ts';
import { apiTokenFile, dataDirectory, localApiToken } from '../../src/cli/data-dir.ts';

const saved = { data: process.env.CAIRN_DATA, token: process.env.CAIRN_TOKEN };
afterEach(() => {
  if (saved.data === undefined) delete process.env.CAIRN_DATA;
  else process.env.CAIRN_DATA = saved.data;
  if (saved.token === undefined) delete process.env.CAIRN_TOKEN;
  else process.env.CAIRN_TOKEN = saved.token;
});

describe('service client token', () => {
  it('uses the token a local cairn serve wrote in its data directory when none is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-data-'));
    process.env.CAIRN_DATA = dir;
    delete process.env.CAIRN_TOKEN;
    expect(localApiToken()).toBeUndefined();
    writeFileSync(apiTokenFile(dataDirectory()), 'local-token-123\n');
    expect(localApiToken()).toBe('local-token-123');
    const headers = clientFrom({ service: 'http://127.0.0.1:1' }).headers();
    expect(headers.authorization).toBe('Bearer local-token-123');
  });

  it('prefers --token, then $CAIRN_TOKEN, over the local file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-data-'));
    process.env.CAIRN_DATA = dir;
    writeFileSync(apiTokenFile(dir), 'from-file');
    process.env.CAIRN_TOKEN = 'from-env';
    const headersOf = (token?: string) =>
      clientFrom({ service: 'http://127.0.0.1:1', ...(token ? { token } : {}) }).headers();
    expect(headersOf('from-flag').authorization).toBe('Bearer from-flag');
    expect(headersOf().authorization).toBe('Bearer from-env');
  });
});
