/**
 * The result of running a plugin (upstream's framework.Status): a code, the
 * reasons shown to users, and the plugin that produced it. Plugins return
 * `null` for success so the hot path allocates nothing.
 */

export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip' | 'Pending';

export class Status {
  plugin = '';
  constructor(readonly code: Code, readonly reasons: string[] = []) {}

  /** Unschedulable or UnschedulableAndUnresolvable: the pod does not fit, as opposed to an internal error. */
  isRejected(): boolean {
    return this.code === 'Unschedulable' || this.code === 'UnschedulableAndUnresolvable' || this.code === 'Pending';
  }

  message(): string { return this.reasons.join(', '); }

  withPlugin(name: string): this {
    this.plugin = name;
    return this;
  }
}

export const unschedulable = (...reasons: string[]): Status => new Status('Unschedulable', reasons);
export const unresolvable = (...reasons: string[]): Status => new Status('UnschedulableAndUnresolvable', reasons);
export const asError = (e: unknown): Status => new Status('Error', [e instanceof Error ? e.message : String(e)]);
export const SKIP = new Status('Skip');
