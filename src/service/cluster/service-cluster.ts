import { randomUUID } from 'node:crypto';
import type { EventBus } from '../../bus/event-bus.ts';
import type { ExecutionStore } from '../../store/execution-store.ts';
import type { ExecutionEngine } from '../execution-engine.ts';
import type { LiveHub } from '../live-hub.ts';
import { ClusterEventBus } from './cluster-bus.ts';
import { PostgresChannel, type ClusterChannel, type ClusterMessage } from './cluster-channel.ts';
import { ClusterHubRelay } from './hub-relay.ts';
import { InstanceLease } from './instance-lease.ts';

export type ControlAction = 'cancel' | 'suspend' | 'resume';

/** What the execution service asks about who runs an execution. */
export interface ExecutionOwnership {
  /** Marks a new execution as run by this instance; false when another instance claimed the id first. */
  claim(executionId: string): Promise<boolean>;
  release(executionId: string): Promise<void>;
  /** Sends the action to the live instance running the execution; false when none does. */
  forward(executionId: string, action: ControlAction): Promise<boolean>;
}

/** The parts of the service the cluster acts on. */
export interface ClusterMembers {
  hub: LiveHub;
  store: ExecutionStore;
  engine: ExecutionEngine;
  /** Takes over executions whose instance died (reattach or end them as interrupted). */
  adopt: (executionIds: string[]) => Promise<void>;
  /** A workflow version was registered on another instance: arm its schedule here too. */
  registered: (namespace: string, name: string) => Promise<void>;
}

export interface ServiceClusterOptions {
  store: ExecutionStore;
  /** The PostgreSQL URL the instances share; without it (SQLite) the instance is alone and only holds its lease. */
  databaseUrl?: string;
  /** Lease time: an instance silent this long counts as dead and its executions are taken over. */
  leaseMs: number;
  log: (message: string, error?: unknown) => void;
}

const CONTROL = 'control';
const REGISTERED = 'registered';

/**
 * One service instance among those sharing a database: its lease and executions, and the channel
 * that carries stored-event notices, CloudEvents, control requests and registrations to the others.
 */
export class ServiceCluster implements ExecutionOwnership {
  private readonly lease: InstanceLease;
  private members: ClusterMembers | undefined;
  private relay: ClusterHubRelay | undefined;
  private readonly stops: Array<() => void> = [];

  private constructor(
    readonly instanceId: string,
    private readonly options: ServiceClusterOptions,
    private readonly channel: ClusterChannel | undefined,
  ) {
    this.lease = new InstanceLease({
      sql: options.store.sql,
      instanceId: this.instanceId,
      leaseMs: options.leaseMs,
      adopt: (ids) => this.members?.adopt(ids) ?? Promise.resolve(),
      log: options.log,
    });
  }

  static async open(options: ServiceClusterOptions): Promise<ServiceCluster> {
    const instanceId = randomUUID();
    const channel = options.databaseUrl ? await PostgresChannel.open(options.databaseUrl, instanceId, options.log) : undefined;
    return new ServiceCluster(instanceId, options, channel);
  }

  /** The CloudEvent bus engines and the API publish to: shared by every instance when there are several. */
  shareBus(local: EventBus): EventBus {
    if (!this.channel) return local;
    const bus = new ClusterEventBus(local, this.channel);
    this.stops.push(() => bus.stop());
    return bus;
  }

  /** Joins: relays hub notices, answers control requests and registrations, holds the lease and sweeps. */
  async join(members: ClusterMembers): Promise<void> {
    this.members = members;
    if (this.channel) {
      this.relay = new ClusterHubRelay(members.hub, members.store, this.channel, this.options.log);
      this.stops.push(() => this.relay?.stop());
      this.stops.push(this.channel.subscribe((message) => this.receive(message)));
    }
    await this.lease.start();
  }

  claim(executionId: string): Promise<boolean> {
    return this.lease.claim(executionId);
  }

  release(executionId: string): Promise<void> {
    return this.lease.release(executionId);
  }

  async forward(executionId: string, action: ControlAction): Promise<boolean> {
    if (!this.channel) return false;
    const owner = await this.lease.ownerOf(executionId);
    if (!owner || owner === this.instanceId) return false;
    await this.channel.send([{ topic: CONTROL, body: { executionId, action, to: owner } }]);
    return true;
  }

  async announceRegistered(namespace: string, name: string): Promise<void> {
    await this.channel?.send([{ topic: REGISTERED, body: { namespace, name } }]);
  }

  /** Takes over what expired leases left now (at start, or in tests), instead of at the next heartbeat. */
  sweep(): Promise<void> {
    return this.lease.sweep();
  }

  /** Leaves: the executions still owned here are taken over by the others once they sweep. */
  async leave(): Promise<void> {
    for (const stop of this.stops) stop();
    await this.lease.stop().catch((error: unknown) => this.options.log('releasing the instance lease failed', error));
    await this.channel?.close();
  }

  private receive(message: ClusterMessage): void {
    const members = this.members;
    if (!members) return;
    if (message.topic === CONTROL && message.body.to === this.instanceId) {
      const action = message.body.action as ControlAction;
      members.engine[action](String(message.body.executionId));
    } else if (message.topic === REGISTERED) {
      void members.registered(String(message.body.namespace), String(message.body.name));
    }
  }
}
