#!/usr/bin/env node
/**
 * `pulumi-domino`: the package's command line.
 *
 *     npx pulumi-domino recover [--stack <name>] [--cwd <dir>] [--dry-run]
 */
import { formatOutcomes, recoverStack } from "./recover";

const USAGE = `usage: pulumi-domino recover [--stack <name>] [--cwd <dir>] [--dry-run]

  recover   after an interrupted \`pulumi up\`, record in the stack the Domino objects that its
            interrupted creates made, and clear the creates that made nothing. Run it before the
            next \`pulumi up\` (after \`pulumi cancel\` if the backend still holds the lock).
            Exit code 0 when every pending create was resolved, 2 when some could not be.`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith("--")) throw new Error(`${name} needs a value`);
  return value;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
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
