#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`; `npm ci` builds it through `prepare`).
await import('../dist/cli/main.js');
