#!/usr/bin/env node
/**
 * `pulumi-domino`: the package's command line.
 *
 *     npx pulumi-domino recover [--stack <name>] [--cwd <dir>] [--dry-run]
 *     npx pulumi-domino export --out <dir> [--owner <user>]... [--organization <name>]... [--project <name>]...
 */
import { exportDeployment, formatExport, progressBar } from "./export";
import { formatOutcomes, recoverStack } from "./recover";

const USAGE = `usage: pulumi-domino recover [--stack <name>] [--cwd <dir>] [--dry-run]
       pulumi-domino export --out <dir> [--owner <user>]... [--organization <name>]... [--project [<owner>/]<name>]...
                            [--host <url>] [--stack <name> [--cwd <dir>]] [--name <pulumi project name>]

  recover   after an interrupted \`pulumi up\`, record in the stack the Domino objects that its
            interrupted creates made, and clear the creates that made nothing. Run it before the
            next \`pulumi up\` (after \`pulumi cancel\` if the backend still holds the lock).
            Exit code 0 when every pending create was resolved, 2 when some could not be.

  export    read a Domino deployment and write a Pulumi TypeScript project (Pulumi.yaml,
            package.json, tsconfig.json, index.ts, README.md) that declares what it found, every
            resource with its adoptId, so that \`pulumi up\` takes the objects over without creating
            any. Without --owner, --organization or --project it exports all the API key can see;
            with them, the union of what they select. The host and key come from --host, or the
            stack's domino:host and domino:apiKey with --stack, or the environment (DOMINO_API_HOST
            or DOMINO_HOST, and DOMINO_USER_API_KEY or DOMINO_API_KEY); the key is never written.
            Progress goes to stderr; what was not exported, and the request count, to stdout.`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith("--")) throw new Error(`${name} needs a value`);
  return value;
}

/** Every value of a repeatable option. */
function options(args: string[], name: string): string[] {
  const values: string[] = [];
  args.forEach((arg, i) => {
    if (arg !== name) return;
    const value = args[i + 1];
    if (!value || value.startsWith("--")) throw new Error(`${name} needs a value`);
    values.push(value);
  });
  return values;
}

const EXPORT_FLAGS = new Set(["--out", "--owner", "--organization", "--project", "--host", "--stack", "--cwd", "--name"]);

async function runExport(args: string[]): Promise<number> {
  for (let i = 0; i < args.length; i += 2) {
    if (!EXPORT_FLAGS.has(args[i])) throw new Error(`export: unknown option ${args[i]} (see pulumi-domino --help)`);
  }
  const out = option(args, "--out");
  if (!out) throw new Error("export needs --out <dir>: the directory to write the program to");
  const stack = option(args, "--stack");
  const result = await exportDeployment({
    out,
    scope: { owners: options(args, "--owner"), organizations: options(args, "--organization"), projects: options(args, "--project") },
    host: option(args, "--host"),
    stack,
    cwd: option(args, "--cwd"),
    fromStack: stack !== undefined,
    pulumi: process.env.PULUMI_DOMINO_PULUMI,
    projectName: option(args, "--name"),
    progress: progressBar(process.stderr),
  });
  process.stdout.write(`${formatExport(result)}\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === "export" && !args.includes("--help")) return runExport(args);
  if (command !== "recover" || args.includes("--help")) {
    process.stderr.write(`${USAGE}\n`);
    return command === undefined || args.includes("--help") || command === "--help" ? 0 : 1;
  }
  const outcomes = await recoverStack({
    stack: option(args, "--stack"),
    cwd: option(args, "--cwd"),
    pulumi: process.env.PULUMI_DOMINO_PULUMI,
    dryRun: args.includes("--dry-run"),
  });
  process.stdout.write(`${formatOutcomes(outcomes)}\n`);
  return outcomes.some((o) => o.outcome === "ambiguous") ? 2 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`pulumi-domino: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
