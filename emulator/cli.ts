#!/usr/bin/env node
/**
 * npm run emulator -- --port 8080 [--domino-version 5.3] [--state FILE] ...
 * Run with --help for every flag.
 */
import { DEFAULT_ADMIN_API_KEY, DEFAULT_ALICE_API_KEY, DEFAULT_BOB_API_KEY } from "./seed";
import { DEFAULT_BUILD_DURATION_MS, DEFAULT_SNAPSHOT_DURATION_MS, launchEmulator, LaunchOptions } from "./server";
import { DOMINO_VERSIONS, isDominoVersion } from "./version";

const USAGE = `Usage: domino-emulator [options]

  --port N                   port to listen on (default 8080; 0 = any free port)
  --host HOST                address to bind (default 127.0.0.1)
  --domino-version V         API surface: ${DOMINO_VERSIONS.join(" or ")} (default 6.3)
  --state FILE               persist state in FILE (default: in memory only)
  --admin-api-key KEY        admin's key (env DOMINO_EMULATOR_ADMIN_API_KEY, default ${DEFAULT_ADMIN_API_KEY})
  --alice-api-key KEY        alice's key (env DOMINO_EMULATOR_ALICE_API_KEY, default ${DEFAULT_ALICE_API_KEY})
  --bob-api-key KEY          bob's key   (env DOMINO_EMULATOR_BOB_API_KEY, default ${DEFAULT_BOB_API_KEY})
  --build-duration-ms N      environment build time (default ${DEFAULT_BUILD_DURATION_MS})
  --snapshot-duration-ms N   snapshot time (default ${DEFAULT_SNAPSHOT_DURATION_MS})
  --latency-ms N             added latency per Domino request (default 0)
  --fault-rate R             share of Domino requests answered 500/502/503 (0..1, default 0)
  --fault-statuses LIST      statuses for --fault-rate, comma-separated (default 500,502,503)
  --rate-limit N             requests per second before 429 (default 0 = off)
  --retry-after-seconds N    Retry-After of a 429 (default 1)
  --drop-response-rate R     share of creates committed then answered by a dropped connection (default 0)
  --seed N                   PRNG seed for faults (default 1)
  --log-requests             print one line per request
  --help                     this text
`;

class UsageError extends Error {}

function numberFlag(flag: string, value: string | undefined): number {
  if (value === undefined) throw new UsageError(`${flag} needs a value`);
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed)) throw new UsageError(`${flag} needs a number, got "${value}"`);
  return parsed;
}

function stringFlag(flag: string, value: string | undefined): string {
  if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
  return value;
}

export function parseArguments(argv: readonly string[]): LaunchOptions | "help" {
  const options: LaunchOptions = { port: 8080 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const next = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case "--help":
      case "-h":
        return "help";
      case "--port":
        options.port = numberFlag(flag, next());
        break;
      case "--host":
        options.host = stringFlag(flag, next());
        break;
      case "--domino-version": {
        const version = stringFlag(flag, next());
        if (!isDominoVersion(version)) throw new UsageError(`--domino-version must be one of ${DOMINO_VERSIONS.join(", ")}`);
        options.dominoVersion = version;
        break;
      }
      case "--state":
        options.statePath = stringFlag(flag, next());
        break;
      case "--admin-api-key":
        options.adminApiKey = stringFlag(flag, next());
        break;
      case "--alice-api-key":
        options.aliceApiKey = stringFlag(flag, next());
        break;
      case "--bob-api-key":
        options.bobApiKey = stringFlag(flag, next());
        break;
      case "--build-duration-ms":
        options.buildDurationMs = numberFlag(flag, next());
        break;
      case "--snapshot-duration-ms":
        options.snapshotDurationMs = numberFlag(flag, next());
        break;
      case "--latency-ms":
        options.latencyMs = numberFlag(flag, next());
        break;
      case "--fault-rate":
        options.faultRate = numberFlag(flag, next());
        break;
      case "--fault-statuses":
        options.faultStatuses = stringFlag(flag, next())
          .split(",")
          .map((s) => numberFlag(flag, s.trim()));
        break;
      case "--rate-limit":
        options.rateLimit = numberFlag(flag, next());
        break;
      case "--retry-after-seconds":
        options.retryAfterSeconds = numberFlag(flag, next());
        break;
      case "--drop-response-rate":
        options.dropResponseRate = numberFlag(flag, next());
        break;
      case "--seed":
        options.seed = numberFlag(flag, next());
        break;
      case "--log-requests":
        options.logRequests = true;
        break;
      default:
        throw new UsageError(`Unknown argument ${arg}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: LaunchOptions | "help";
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw err;
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return;
  }

  const emulator = await launchEmulator(options);
  const { admin, alice, bob } = emulator.users;
  const lines = [
    `Domino emulator listening on ${emulator.url}`,
    `  Domino version: ${options.dominoVersion ?? "6.3"}${options.statePath ? `; state file: ${options.statePath}` : "; state in memory"}`,
    "  Seeded users (send the key as X-Domino-Api-Key, the token as Authorization: Bearer; not the other way round):",
    ...[admin, alice, bob].map(
      (u) => `    ${u.userName.padEnd(6)} id ${u.id}  key ${u.apiKey}  token ${u.accessToken}${u.isAdmin ? "  (admin)" : ""}`,
    ),
    `  Control API: ${emulator.url}/__emulator/{faults,faults/rules,requests,reset,info}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Received ${signal}, stopping\n`);
    emulator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`domino emulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
