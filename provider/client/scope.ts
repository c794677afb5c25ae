/**
 * The operation a request belongs to.
 *
 * The lifecycle kit runs each engine call (create, read, update, delete) inside a scope
 * that carries the operation's deadline and where progress lines go. The request core
 * reads it, so every retry and every recovery lookup of that operation shares one
 * deadline without each API call having to pass it along.
 */
import { AsyncLocalStorage } from "async_hooks";

export interface OperationScope {
  /** What the user would call the operation, e.g. `create Goal "Ship v1"`. */
  readonly label: string;
  /** Epoch milliseconds after which no new attempt starts. */
  readonly deadline: number;
  readonly startedAt: number;
  /** A line of progress for the person running Pulumi. */
  progress(message: string): void;
}

const storage = new AsyncLocalStorage<OperationScope>();

export function currentScope(): OperationScope | undefined {
  return storage.getStore();
}

export function runInScope<T>(scope: OperationScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}
