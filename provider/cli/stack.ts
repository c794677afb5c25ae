/**
 * The Pulumi CLI, as the package's own commands drive it: the stack's configuration and
 * its state (`pulumi stack export` / `import`). Everything goes through the user's
 * `pulumi` binary, so any backend (file, cloud, self-hosted) works the same.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface StackOptions {
  /** `--stack`; default: the selected stack. */
  stack?: string;
  /** The Pulumi project directory; default: the current directory. */
  cwd?: string;
  /** The `pulumi` executable; default `pulumi` on PATH. */
  pulumi?: string;
}

/** One resource as `pulumi stack export` writes it (the fields this package uses). */
export interface StateResource {
  urn: string;
  custom?: boolean;
  id?: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
  provider?: string;
  [other: string]: unknown;
}

export interface PendingOperation {
  resource: StateResource;
  type: "creating" | "updating" | "deleting" | "reading" | "importing" | string;
}

export interface ExportedStack {
  version: number;
  deployment: {
    resources?: StateResource[];
    pending_operations?: PendingOperation[];
    [other: string]: unknown;
  };
}

function pulumi(opts: StackOptions, args: string[], input?: string): string {
  const full = [...args, ...(opts.stack ? ["--stack", opts.stack] : []), "--non-interactive"];
  try {
    return execFileSync(opts.pulumi ?? "pulumi", full, {
      cwd: opts.cwd,
      encoding: "utf8",
      input,
      maxBuffer: 1 << 30,
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (err) {
    const e = err as { stderr?: string; status?: number; message: string };
    throw new Error(`pulumi ${args.join(" ")} failed (exit ${e.status ?? "?"}): ${(e.stderr ?? e.message).trim()}`);
  }
}

/** The stack's `domino:*` configuration, secrets decrypted (kept in memory only). */
export function stackConfig(opts: StackOptions): Record<string, string> {
  const all = JSON.parse(pulumi(opts, ["config", "--json", "--show-secrets"])) as Record<string, { value?: string }>;
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(all)) if (key.startsWith("domino:") && typeof entry.value === "string") out[key] = entry.value;
  return out;
}

export function exportStack(opts: StackOptions, showSecrets: boolean): ExportedStack {
  return JSON.parse(pulumi(opts, ["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])])) as ExportedStack;
}

export function importStack(opts: StackOptions, state: ExportedStack): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domino-"));
  const file = path.join(dir, "stack.json");
  try {
    fs.writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
    pulumi(opts, ["stack", "import", "--file", file]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
