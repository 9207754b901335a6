/**
 * Events for what a component does (client-go's record.EventRecorder):
 * core/v1 Events that `kubectl describe` and `kubectl get events` show.
 *
 * Repeats of one (object, type, reason, message) within the aggregation
 * window bump `count` and `lastTimestamp` on the first Event instead of
 * creating another, as upstream's EventCorrelator does. Recording never
 * throws and never blocks the caller: writes are fire-and-forget, failures
 * are logged at debug level, and at most `maxPending` writes are in flight
 * (more are dropped, as upstream's broadcaster drops on a full channel).
 */
import type { Event, ObjectReference } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../api/log.js';
import type { ApiObject } from './api-object.js';
import { RESOURCES } from './resource.js';
import type { RestClient } from './rest-client.js';
import { rfc3339Seconds } from '../api/time.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  client: RestClient;
  /** source.component and reportingController, e.g. `deployment-controller`. */
  component: string;
  /** source.host (the node name for a kubelet). */
  host?: string;
  logger?: Logger;
  /** Repeats within this window are folded into one Event. @default 600000 (10 min, as upstream) */
  aggregationWindowMs?: number;
  /** @default 256 */
  maxPending?: number;
}

interface Seen { namespace: string; name: string; count: number; firstMs: number }

/** The reference an Event's involvedObject holds. */
export function objectReference(obj: ApiObject): ObjectReference {
  const m = obj.metadata ?? {};
  return {
    apiVersion: obj.apiVersion, kind: obj.kind, name: m.name,
    ...(m.namespace ? { namespace: m.namespace } : {}),
    ...(m.uid ? { uid: m.uid } : {}),
    ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
  };
}

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private pending = 0;
  private readonly windowMs: number;

  constructor(private readonly opts: EventRecorderOptions) {
    this.windowMs = opts.aggregationWindowMs ?? 600_000;
  }

  /** Records `reason`/`message` about `obj` (which must carry apiVersion and kind). */
  event(obj: ApiObject, type: EventType, reason: string, message: string): void {
    const ref = objectReference(obj);
    const namespace = ref.namespace ?? 'default';
    const key = `${ref.uid ?? ''}/${namespace}/${ref.kind}/${ref.name}/${type}/${reason}/${message}`;
    const now = Date.now();
    const prev = this.seen.get(key);
    if (prev && now - prev.firstMs < this.windowMs) {
      prev.count++;
      this.write(() => this.opts.client.patch(RESOURCES.events, prev.name,
        { count: prev.count, lastTimestamp: rfc3339Seconds(now) },
        { namespace: prev.namespace, type: 'merge' }));
      return;
    }
    const name = `${ref.name}.${(now * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`;
    this.remember(key, { namespace, name, count: 1, firstMs: now });
    const ts = rfc3339Seconds(now);
    const ev: Event = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref, type, reason, message,
      source: { component: this.opts.component, ...(this.opts.host ? { host: this.opts.host } : {}) },
      firstTimestamp: ts, lastTimestamp: ts, count: 1,
      reportingComponent: this.opts.component,
      reportingInstance: this.opts.host ?? '',
    };
    this.write(() => this.opts.client.create(RESOURCES.events, ev as ApiObject, { namespace }));
  }

  private remember(key: string, s: Seen): void {
    if (this.seen.size >= 4096) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.seen.set(key, s);
  }

  private write(fn: () => Promise<unknown>): void {
    if (this.pending >= (this.opts.maxPending ?? 256)) return;
    this.pending++;
    fn().catch((e: unknown) => {
      this.opts.logger?.debug({ err: e instanceof Error ? e.message : String(e) }, 'event not recorded');
    }).finally(() => { this.pending--; });
  }
}
