#!/usr/bin/env node
// A stand-in for `docker` (no container engine runs here): prints the invocation it received.
let stdin = '';
process.stdin.on('data', (chunk) => (stdin += chunk)).on('end', () => {
  process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), stdin, mode: process.env.MODE }));
});
