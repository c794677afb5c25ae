/**
 * The emulator for the end-to-end tests, and raw Domino API calls made outside Pulumi:
 * out-of-band changes, and a census of what is still active after `destroy`.
 */
import { EmulatorOptions, RunningEmulator, startEmulator } from "../../../emulator";

export interface E2eEmulator {
  readonly emulator: RunningEmulator;
  readonly url: string;
  readonly adminKey: string;
  /** A Domino API call as admin (or with `apiKey`); throws on a non-2xx answer unless `allow` lists it. */
  api<T = any>(method: string, path: string, body?: unknown, opts?: { apiKey?: string; allow?: number[] }): Promise<{ status: number; body: T }>;
  /** Active objects visible to the admin, by kind. */
  census(): Promise<Census>;
  stop(): Promise<void>;
}

export interface Census {
  projects: string[];
  datasets: string[];
  environments: string[];
  organizations: string[];
}

/** `options` (e.g. `adminApiKey`, to tell two deployments' keys apart) go to the emulator. */
export async function startE2eEmulator(options: EmulatorOptions = {}): Promise<E2eEmulator> {
  const emulator = await startEmulator({ buildDurationMs: 300, snapshotDurationMs: 200, ...options });
  const adminKey = emulator.users.admin.apiKey;

  const api: E2eEmulator["api"] = async (method, path, body, opts = {}) => {
    const res = await fetch(emulator.url + path, {
      method,
      headers: {
        "X-Domino-Api-Key": opts.apiKey ?? adminKey,
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : {};
    if (!res.ok && !(opts.allow ?? []).includes(res.status)) {
      throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
    }
    return { status: res.status, body: parsed };
  };

  const names = (items: Array<Record<string, any>> | undefined, unwrap?: string) =>
    (items ?? []).map((i) => (unwrap && i[unwrap] ? i[unwrap] : i)).map((i) => `${i.name} (${i.id})`);

  return {
    emulator,
    url: emulator.url,
    adminKey,
    api,
    async census() {
      const projects = await api("GET", "/api/projects/beta/projects?limit=999");
      const datasets = await api("GET", "/api/datasetrw/v2/datasets?limit=999");
      const environments = await api("GET", "/api/environments/beta/environments?limit=999");
      const organizations = await api("GET", "/api/organizations/v1/organizations/all?limit=999");
      return {
        projects: names(projects.body.projects, "project"),
        datasets: names(datasets.body.datasets, "dataset"),
        environments: names((environments.body.environments ?? []).filter((e: { archived?: boolean }) => !e.archived)),
        organizations: names(organizations.body.orgs),
      };
    },
    stop: () => emulator.stop(),
  };
}
