import { apiTokenFile, dataDirectory, DataDirectoryLockedError, lockDataDirectory, restrictDataDirectory } from '../data-dir.ts';
import type { Command } from '@commander-js/extra-typings';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAX_INPUT_BYTES } from '../../core/input-limits.ts';
import { DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_DOCUMENT_TASKS } from '../../service/document-limits.ts';
import { DEFAULT_INLINE_VALUE_LIMIT } from '../../store/stored-values.ts';
import { parseEgressRule } from '../../effects/egress/egress-policy.ts';
import { EFFECT_POLICY_OPTIONS, ownEndpointRules, parseEffectPolicyFlags, repeatable } from '../effect-policy-options.ts';
import { EXIT } from '../exit-codes.ts';
import { parseLimitFlags } from '../limit-options.ts';
import { ArgumentError } from '../parse-json-argument.ts';
import { SERVICE_DEFAULT_LIMITS } from '../../hosts/local/execution-limits.ts';
import { loadSecrets, parseSecretSource, SecretSourceError } from '../../secrets/load-secrets.ts';
import { DEFAULT_SERVICE_PORT } from '../service-client.ts';
import { logDestination } from '../../service/log-stream.ts';

const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

/** Reads a secret file of the data directory, creating it (mode 0600) on first start. */
function secretFile(path: string): string {
  if (!existsSync(path)) writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return readFileSync(path, 'utf8').trim();
}

const WILDCARD = ['0.0.0.0', '::', '[::]'];

/** Host names the service answers to: the bind address, loopback names on a loopback bind, and the operator's; any on a wildcard bind given none. */
function allowedHosts(bind: string, configured: string[]): string[] | undefined {
  if (WILDCARD.includes(bind)) return configured.length > 0 ? [...configured, ...LOOPBACK] : undefined;
  return [bind, ...(LOOPBACK.includes(bind) ? LOOPBACK : []), ...configured];
}

/**
 * `cairn serve`: the execution service, the embedded local engine and an SQLite store under the
 * data directory: one command, nothing else to start. `--database postgres://…` stores in
 * PostgreSQL instead. Clients authenticate with the API token kept in `<data>/api-token`
 * (or the comma-separated `$CAIRN_API_TOKENS`).
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the execution service (HTTP/JSON, gRPC, SSE, WebSocket, dashboard) with an embedded local engine')
    .option('--port <port>', 'port to listen on', String(DEFAULT_SERVICE_PORT))
    .option('--host <host>', 'address to bind (loopback unless told otherwise)', '127.0.0.1')
    .option('--database <url>', 'postgres://… URL (default: SQLite under the data directory)')
    .option('--data <dir>', 'data directory (default: $CAIRN_DATA or .cairn/data)')
    .option('--allow-processes', 'let `run` tasks start processes (shell, script, container)', false)
    .option('--secret <NAME=env:VAR|NAME=file:PATH>', 'a secret for the embedded engine\'s executions ($secrets; with --temporal, workers hold secrets); repeatable', (spec: string, all: string[]) => [...all, spec], [] as string[])
    .option('--allowed-host <name>', 'a host name clients reach the service by, besides the bind address and loopback names (Host header check against DNS rebinding); repeatable', (name: string, all: string[]) => [...all, name], [] as string[])
    .option('--allowed-origin <origin>', 'a web origin (scheme://host:port) besides the service\'s own that browsers may call it from; repeatable', (origin: string, all: string[]) => [...all, origin], [] as string[])
    .option(...EFFECT_POLICY_OPTIONS.allowFiles)
    .option(...EFFECT_POLICY_OPTIONS.egressAllow, repeatable, [] as string[])
    .option(...EFFECT_POLICY_OPTIONS.egressDeny, repeatable, [] as string[])
    .option(...EFFECT_POLICY_OPTIONS.maxResponseBytes)
    .option('--max-input-bytes <bytes>', 'the largest workflow input a start accepts (serialized JSON)', String(DEFAULT_MAX_INPUT_BYTES))
    .option('--max-document-bytes <bytes>', 'the largest workflow document a start or registration accepts', String(DEFAULT_MAX_DOCUMENT_BYTES))
    .option('--max-document-tasks <n>', 'the most tasks a workflow document may declare (every do, try and branches list)', String(DEFAULT_MAX_DOCUMENT_TASKS))
    .option('--inline-value-limit <bytes>', 'task and workflow inputs/outputs larger than this (serialized JSON) are stored once by reference; events and snapshots carry inputUri/outputUri', String(DEFAULT_INLINE_VALUE_LIMIT))
    .option('--retention <days>', 'delete each execution, its events and the stored values only it refers to this many days after it ended (default: keep everything)')
    .option('--open', 'accept clients without an API token (loopback binds only)', false)
    .option('--lease <seconds>', 'lease of this instance among those sharing the database: when it stays silent this long, another one takes over its executions', '15')
    .option('--public-url <url>', 'the URL Temporal workers report progress to (a load balancer in front of several instances; default: this instance)')
    .option('--max-memory <MiB>', `heap of each embedded execution's thread (default ${SERVICE_DEFAULT_LIMITS.maxMemoryMb})`)
    .option('--max-duration <seconds>', 'run time of each embedded execution (default: none)')
    .option('--max-cpu <seconds>', `busy (CPU) time of each embedded execution (default ${SERVICE_DEFAULT_LIMITS.maxCpuMs / 1000})`)
    .option('--max-tasks <n>', `task instances each embedded execution may start (default ${SERVICE_DEFAULT_LIMITS.maxTasks})`)
    .option('--max-events <n>', `progress events each embedded execution may report (default ${SERVICE_DEFAULT_LIMITS.maxEvents})`)
    .option('--temporal <host:port>', 'start executions on Temporal (run `cairn worker` on the task queue) instead of the embedded engine')
    .option('--namespace <ns>', 'Temporal namespace (with --temporal)', 'default')
    .option('--task-queue <queue>', 'Temporal task queue executions start on (with --temporal)', 'cairn-workflows')
    .option('--report-attempts <n>', 'attempts per progress batch on the worker, with exponential backoff (with --temporal)', '3')
    .option('--continue-as-new-after <events>', 'continue each execution as new once its Temporal history reaches this many events (with --temporal)', '8000')
    .action(async (options) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        process.stderr.write(`cairn serve: --port must be a port number, got "${options.port}"\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      if (options.open && !LOOPBACK.includes(options.host)) {
        process.stderr.write('cairn serve: --open is only allowed when binding to loopback\n');
        process.exitCode = EXIT.invalid;
        return;
      }
      const reportAttempts = Number(options.reportAttempts);
      if (!Number.isInteger(reportAttempts) || reportAttempts < 1) {
        process.stderr.write(`cairn serve: --report-attempts must be a positive integer, got "${options.reportAttempts}"\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      const continueAsNewAfter = Number(options.continueAsNewAfter);
      if (!Number.isInteger(continueAsNewAfter) || continueAsNewAfter < 10) {
        process.stderr.write(`cairn serve: --continue-as-new-after must be an integer of at least 10, got "${options.continueAsNewAfter}"\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      const leaseSeconds = Number(options.lease);
      if (!Number.isFinite(leaseSeconds) || leaseSeconds < 0.3 || leaseSeconds > 3600) {
        process.stderr.write(`cairn serve: --lease must be a number of seconds between 0.3 and 3600, got "${options.lease}"\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      if (options.temporal && options.secret.length > 0) {
        process.stderr.write('cairn serve: --secret is for the embedded engine; with --temporal, give secrets to the workers (cairn worker --secret)\n');
        process.exitCode = EXIT.invalid;
        return;
      }
      let limits;
      try {
        limits = parseLimitFlags(options, SERVICE_DEFAULT_LIMITS);
      } catch (error) {
        if (!(error instanceof ArgumentError)) throw error;
        process.stderr.write(`cairn serve: ${error.message}\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      let secrets;
      try {
        secrets = options.secret.length > 0 ? await loadSecrets(options.secret.map(parseSecretSource)) : undefined;
      } catch (error) {
        if (!(error instanceof SecretSourceError)) throw error;
        process.stderr.write(`cairn serve: ${error.message}\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      const sizes = { maxInputBytes: options.maxInputBytes, maxDocumentBytes: options.maxDocumentBytes, maxDocumentTasks: options.maxDocumentTasks, inlineValueLimit: options.inlineValueLimit };
      const malformed = Object.entries(sizes).find(([, value]) => !Number.isInteger(Number(value)) || Number(value) < 1);
      if (malformed) {
        process.stderr.write(`cairn serve: --${malformed[0].replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} must be a positive integer, got "${malformed[1]}"\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      const retentionDays = options.retention === undefined ? undefined : Number(options.retention);
      if (retentionDays !== undefined && !(Number.isFinite(retentionDays) && retentionDays > 0)) {
        process.stderr.write(`cairn serve: --retention must be a positive number of days, got "${options.retention}"\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      const maxInputBytes = Number(options.maxInputBytes);
      const inlineValueLimit = Number(options.inlineValueLimit);
      if (options.temporal && (options.egressAllow.length > 0 || options.egressDeny.length > 0 || options.allowFiles !== undefined)) {
        process.stderr.write('cairn serve: --egress-allow, --egress-deny and --allow-files are for the embedded engine; with --temporal, give them to the workers (cairn worker --egress-allow …)\n');
        process.exitCode = EXIT.invalid;
        return;
      }
      let effectPolicy;
      try {
        effectPolicy = parseEffectPolicyFlags(options, ownEndpointRules(options.host, port));
      } catch (error) {
        if (!(error instanceof ArgumentError)) throw error;
        process.stderr.write(`cairn serve: ${error.message}\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      const egress = effectPolicy.egress!;
      const dataDir = dataDirectory(options.data);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      try {
        process.once('exit', lockDataDirectory(dataDir));
      } catch (error) {
        if (!(error instanceof DataDirectoryLockedError)) throw error;
        process.stderr.write(`cairn serve: ${error.message}\n`);
        process.exitCode = EXIT.unavailable;
        return;
      }
      const tokenFile = apiTokenFile(dataDir);
      const configuredTokens = (process.env.CAIRN_API_TOKENS ?? '').split(',').map((token) => token.trim()).filter(Boolean);
      const apiTokens = options.open ? [] : configuredTokens.length > 0 ? configuredTokens : [secretFile(tokenFile)];
      const location = options.database ?? join(dataDir, 'cairn.db');

      const [{ openStore }, { buildApp }, { LocalEngine }, { InProcessEventBus }, { loadDefaultEngine }, { dashboardRoutes }] = await Promise.all([
        import('../../store/open-store.ts'),
        import('../../service/app.ts'),
        import('../../service/local-engine.ts'),
        import('../../bus/in-process-bus.ts'),
        import('../../jq/node/engine-choice.ts'),
        import('../../service/routes/dashboard.ts'),
      ]);
      const { DocumentLoaderThread } = await import('../../service/document-loader-thread.ts');
      const { pino } = await import('pino');
      // One logger for the service's records, the cluster's and the engine's: one JSON line each on stdout.
      const log = pino({ level: 'info' }, logDestination());
      const logError = (message: string, error?: unknown, execution?: { executionId: string }) => log.error({ ...execution, ...(error === undefined ? {} : { err: error }) }, message);
      let store;
      try {
        store = await openStore(location, { inlineValueLimit });
      } catch (error) {
        process.stderr.write(`cairn serve: cannot open the store (${options.database ? 'PostgreSQL' : location}): ${(error as Error).message}\n`);
        process.exitCode = EXIT.unavailable;
        return;
      }
      restrictDataDirectory(dataDir);
      const expressions = await loadDefaultEngine();
      // Builds the engine's prelude (jq's builtins) now: the first document's expression checks would
      // otherwise do it on the event loop while the service serves (hundreds of ms on a busy machine).
      expressions.compile('.', []);
      const { ServiceCluster } = await import('../../service/cluster/service-cluster.ts');
      let cluster;
      try {
        cluster = await ServiceCluster.open({
          store,
          ...(options.database ? { databaseUrl: options.database } : {}),
          leaseMs: Math.round(leaseSeconds * 1000),
          log: logError,
        });
      } catch (error) {
        process.stderr.write(`cairn serve: cannot listen for the other instances on PostgreSQL: ${(error as Error).message}\n`);
        await store.close();
        process.exitCode = EXIT.unavailable;
        return;
      }
      // Shared with the instances on the same PostgreSQL: a CloudEvent accepted anywhere reaches every `listen`.
      const bus = cluster.shareBus(new InProcessEventBus());
      // Known once the service listens; executions only start after that.
      let serviceUrl = '';
      let engine;
      if (options.temporal) {
        const { connectTemporalEngine } = await import('../../service/temporal-engine.ts');
        const openedStore = store;
        try {
          engine = await connectTemporalEngine({
            address: options.temporal,
            namespace: options.namespace,
            taskQueue: options.taskQueue,
            bus,
            serviceUrl: () => options.publicUrl ?? serviceUrl,
            reportAttempts,
            continueAsNewAfterHistoryEvents: continueAsNewAfter,
            storedLastSeq: async (id) => (await openedStore.getExecution(id))?.lastSeq ?? 0,
            log: logError,
          });
        } catch (error) {
          process.stderr.write(`cairn serve: cannot reach Temporal at ${options.temporal}: ${(error as Error).message}\n`);
          await cluster.leave();
          await store.close();
          process.exitCode = EXIT.unavailable;
          return;
        }
      } else {
        const { createStoreWorkflowRegistry } = await import('../../service/store-workflow-registry.ts');
        const workflows = createStoreWorkflowRegistry(store, expressions);
        engine = new LocalEngine({ bus, limits, allowProcesses: options.allowProcesses, workflows, effectPolicy, serviceUrl: () => options.publicUrl ?? serviceUrl, ...(secrets ? { secrets } : {}) });
      }
      const app = await buildApp({
        store,
        engine,
        expressions,
        bus,
        access: { apiTokens, reportSecret: secretFile(join(dataDir, 'report-secret')) },
        logger: log,
        maxInputBytes,
        maxDocumentBytes: Number(options.maxDocumentBytes),
        maxDocumentTasks: Number(options.maxDocumentTasks),
        // Large documents parse for seconds: never on the event loop that answers every client.
        documentLoader: new DocumentLoaderThread(),
        browser: { allowedHosts: allowedHosts(options.host, options.allowedHost), allowedOrigins: options.allowedOrigin },
        // The embedded SQLite store belongs to this process alone; a shared PostgreSQL may serve other live instances.
        // Temporal executions outlive this process: the service follows them again instead.
        endInterruptedExecutions: !options.database && !options.temporal,
        cluster,
        ...(retentionDays !== undefined ? { retention: { maxAgeMs: retentionDays * 86_400_000 } } : {}),
        plugins: [(instance) => dashboardRoutes(instance)],
      });
      try {
        await app.listen({ port, host: options.host });
      } catch (error) {
        process.stderr.write(`cairn serve: cannot listen on ${options.host}:${port}: ${(error as Error).message}\n`);
        await app.close();
        await store.close();
        process.exitCode = EXIT.unavailable;
        return;
      }
      const address = app.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      // With --port 0 the service's own port is known only now.
      if (bound !== port) egress.deny.push(...ownEndpointRules(options.host, bound).map(parseEgressRule));
      const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${bound}`;
      serviceUrl = url;
      process.stderr.write(
        `cairn serve: listening on ${url} (HTTP/JSON, gRPC, SSE, WebSocket), store ${options.database ? 'PostgreSQL' : location}` +
          `${options.temporal ? `, executions on Temporal ${options.temporal} (task queue ${options.taskQueue})` : ''}\n` +
          (options.open ? 'cairn serve: no API token required (--open)\n' : `cairn serve: API token in ${configuredTokens.length > 0 ? '$CAIRN_API_TOKENS' : tokenFile} (export CAIRN_TOKEN=…)\n`) +
          // The token rides in the fragment, which browsers never send; the dashboard stores it and clears the address bar.
          // Off a terminal stderr goes to a log store, which must not hold it: the dashboard's sign-in form asks for it.
          `cairn serve: dashboard ${options.open ? `${url}/` : process.stderr.isTTY ? `${url}/#login=${encodeURIComponent(apiTokens[0]!)}` : `${url}/ (sign in with the API token)`}\n` +
          'cairn serve: request logs follow as JSON lines on stdout\n' +
          // Each execution's report token travels in its workflow input, so in its Temporal history.
          (options.temporal && !process.env.CAIRN_TEMPORAL_CODEC_KEY
            ? 'cairn serve: report tokens reach Temporal history unencrypted; set CAIRN_TEMPORAL_CODEC_KEY on the service and its workers to encrypt workflow inputs\n'
            : ''),
      );
      await new Promise<void>((resolveStop) => {
        const stop = () => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await app.close();
      await store.close();
      process.exitCode = EXIT.ok;
    });
}
