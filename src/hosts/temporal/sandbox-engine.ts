import type { JqLoadOptions } from 'jq-wasm';
import jqWasmDataUrl from 'jq-wasm/jq.wasm';
import type { ExpressionEngine } from '../../jq/engine.ts';
import { createNativeJqEngine } from '../../jq/native-engine.ts';
import { createJqWasmEngine } from '../../jq/wasm/jq-wasm-engine.ts';

type InstantiateWasm = NonNullable<JqLoadOptions['instantiateWasm']>;
type JqWasmImports = Parameters<InstantiateWasm>[0];
type JqWasmInstance = Parameters<Parameters<InstantiateWasm>[1]>[0];

/**
 * Which jq evaluates expressions inside the workflow: the native TypeScript engine (default: no
 * WebAssembly memory per cached execution, fast on replay) or jq 1.8.2 compiled to WebAssembly.
 */
export type SandboxEngineKind = 'native' | 'jq-wasm';

export function loadSandboxEngine(kind: SandboxEngineKind = 'native'): Promise<ExpressionEngine> {
  // `now` in expressions reads the workflow clock, so it replays identically. jq's `debug` and
  // `stderr` write to the workflow's console, which the SDK routes to the worker's log (not on replay).
  if (kind === 'native') return Promise.resolve(createNativeJqEngine({ now: () => Date.now() / 1000, log: (line) => console.error(`jq: ${line}`) }));
  return loadJqWasm();
}

/** The WebAssembly types (the project's `lib`, ES2023 without DOM, declares none). */
type WasmModule = object;

/**
 * jq-wasm's binary is inlined into the workflow bundle (worker.ts adds the webpack rule).
 * Emscripten's own loader instantiates asynchronously, which never resolves inside an
 * activation, so the instance is built synchronously here and handed over through `instantiateWasm`.
 */
let compiled: WasmModule | undefined;

const wasm = (globalThis as unknown as { WebAssembly: WasmConstructors }).WebAssembly;
interface WasmConstructors {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: JqWasmImports) => JqWasmInstance;
}

function loadJqWasm(): Promise<ExpressionEngine> {
  installRandomFill();
  const module = (compiled ??= new wasm.Module(decodeDataUrl(jqWasmDataUrl)));
  return createJqWasmEngine({
    load: { instantiateWasm: (imports, onSuccess) => onSuccess(new wasm.Instance(module, imports), module) },
  });
}

/** Emscripten seeds from `crypto.getRandomValues`, absent in the sandbox; the seeded `Math.random` is replay-safe. */
function installRandomFill(): void {
  const scope = globalThis as { crypto?: { getRandomValues?: unknown } };
  if (scope.crypto?.getRandomValues) return;
  scope.crypto = {
    getRandomValues<T extends ArrayBufferView>(view: T): T {
      const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
      return view;
    },
  };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `data:…;base64,…` to bytes (the sandbox has no `atob` and no `Buffer`). */
function decodeDataUrl(dataUrl: string): Uint8Array {
  const text = dataUrl.slice(dataUrl.indexOf(',') + 1).replace(/=+$/, '');
  const lookup = new Uint8Array(128);
  for (let i = 0; i < BASE64.length; i++) lookup[BASE64.charCodeAt(i)] = i;
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let out = 0;
  for (let i = 0; i < text.length; i += 4) {
    const a = lookup[text.charCodeAt(i)]!;
    const b = lookup[text.charCodeAt(i + 1)]!;
    const c = lookup[text.charCodeAt(i + 2)] ?? 0;
    const d = lookup[text.charCodeAt(i + 3)] ?? 0;
    bytes[out++] = (a << 2) | (b >> 4);
    if (out < bytes.length) bytes[out++] = ((b & 15) << 4) | (c >> 2);
    if (out < bytes.length) bytes[out++] = ((c & 3) << 6) | d;
  }
  return bytes;
}
