/**
 * Lookups run in the Pulumi program's own process, not in the dynamic provider's, so
 * nobody calls `configure` for them: they take the `domino:*` stack configuration from
 * the program's runtime (environment variables remain the fallback, as for resources).
 */
import * as pulumi from "@pulumi/pulumi";
import { configureFromStack, SETTINGS_KEYS } from "../config";

export function useProgramConfiguration(): void {
  // Outside a Pulumi program (a script, a test) there is no stack configuration: leave
  // whatever was configured before alone.
  const keys = Object.values(SETTINGS_KEYS).map((k) => k.config);
  if (!keys.some((k) => pulumi.runtime.getConfig(k) !== undefined)) return;
  configureFromStack({ get: (key) => pulumi.runtime.getConfig(key) });
}
