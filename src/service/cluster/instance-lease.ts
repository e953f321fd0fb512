import type { SqlExecutor } from '../../store/sql-driver.ts';

export interface InstanceLeaseOptions {
  sql: SqlExecutor;
  instanceId: string;
  /** How long this instance counts as alive after its last heartbeat (it beats three times per lease). */
  leaseMs: number;
  /**
   * Takes over executions whose owner is gone (its lease expired). Called once per execution across
   * all instances: the caller already removed the ownership row, so no other instance sees it.
   */
  adopt: (executionIds: string[]) => Promise<void>;
  log: (message: string, error?: unknown) => void;
  now?: () => number;
}

/**
 * This instance's lease (a heartbeat row in `service_instances`) and the executions it owns
 * (`execution_owners`). Every instance sweeps: rows of instances whose lease expired are deleted,
 * and each execution they owned is adopted by the one instance whose conditional delete of its
 * ownership row succeeded. Clocks of the instances must agree to well within a lease.
 */
export class InstanceLease {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: InstanceLeaseOptions) {
    this.now = options.now ?? Date.now;
  }

  get instanceId(): string {
    return this.options.instanceId;
  }

  async start(): Promise<void> {
    await this.register();
    this.timer = setInterval(() => {
      this.beating = this.beating.then(() => this.beat()).catch((error: unknown) => this.options.log('the instance heartbeat failed', error));
    }, Math.max(50, Math.floor(this.options.leaseMs / 3)));
    this.timer.unref();
  }

  /** Marks the execution as run here; false when another instance already claimed it (a scheduled occasion, say). */
  async claim(executionId: string): Promise<boolean> {
    const inserted = await this.options.sql.run('INSERT INTO execution_owners (execution_id, instance_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [
      executionId,
      this.options.instanceId,
    ]);
    return inserted > 0;
  }

  async release(executionId: string): Promise<void> {
    await this.options.sql.run('DELETE FROM execution_owners WHERE execution_id = ? AND instance_id = ?', [executionId, this.options.instanceId]);
  }

  /** The live instance running the execution, if any. */
  async ownerOf(executionId: string): Promise<string | undefined> {
    const rows = await this.options.sql.all(
      'SELECT o.instance_id FROM execution_owners o JOIN service_instances i ON i.id = o.instance_id WHERE o.execution_id = ? AND i.heartbeat_at + i.lease_ms >= ?',
      [executionId, this.now()],
    );
    return rows[0] ? String(rows[0].instance_id) : undefined;
  }

  /** Leaves cleanly: the executions still owned are adopted by the others at their next sweep. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.beating.catch(() => undefined);
    await this.options.sql.run('DELETE FROM service_instances WHERE id = ?', [this.options.instanceId]);
  }

  private async register(): Promise<void> {
    await this.options.sql.run(
      `INSERT INTO service_instances (id, heartbeat_at, lease_ms, started_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
      [this.options.instanceId, this.now(), this.options.leaseMs, new Date(this.now()).toISOString()],
    );
  }

  private async beat(): Promise<void> {
    const renewed = await this.options.sql.run('UPDATE service_instances SET heartbeat_at = ? WHERE id = ?', [this.now(), this.options.instanceId]);
    if (renewed === 0) {
      this.options.log('this instance missed its lease (it stalled longer than the lease); the executions it ran were taken over');
      await this.register();
    }
    await this.sweep();
  }

  /** Deletes expired leases and adopts the executions no live instance owns. */
  async sweep(): Promise<void> {
    await this.options.sql.run('DELETE FROM service_instances WHERE heartbeat_at + lease_ms < ?', [this.now()]);
    const orphans = await this.options.sql.all(
      'SELECT execution_id, instance_id FROM execution_owners WHERE instance_id NOT IN (SELECT id FROM service_instances) LIMIT 500',
    );
    const adopted: string[] = [];
    for (const row of orphans) {
      const taken = await this.options.sql.run('DELETE FROM execution_owners WHERE execution_id = ? AND instance_id = ?', [
        String(row.execution_id),
        String(row.instance_id),
      ]);
      if (taken > 0) adopted.push(String(row.execution_id));
    }
    if (adopted.length > 0) await this.options.adopt(adopted);
  }
}
