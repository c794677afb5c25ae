/** --state FILE: state survives restarts, writes are atomic, a killed emulator loses no acknowledged change. */
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmulator } from "../../emulator";
import { apiFor, createProject, sleep } from "./support";

const ROOT = path.resolve(__dirname, "../..");

describe("persistence", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "domino-emulator-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test("everything survives a restart, ids included; builds continue from their timestamps", async () => {
    const statePath = path.join(dir, "state.json");
    const first = await startEmulator({ statePath, buildDurationMs: 300 });
    const api1 = apiFor(first);
    const project = await createProject(api1, "alice");
    await api1.call("POST", `/api/projects/v1/projects/${project.id}/collaborators`, {
      as: "alice",
      body: { id: first.users.bob.id, role: "contributor" },
    });
    const goal = await api1.call("POST", `/api/projects/v1/projects/${project.id}/goals`, { as: "alice", body: { title: "g" } });
    const dataset = await api1.call("POST", "/api/datasetrw/v1/datasets", { as: "alice", body: { name: "d", projectId: project.id } });
    const env = await api1.call("POST", "/api/environments/beta/environments", {
      as: "alice",
      body: { name: "e", image: "i", addBaseDependencies: false },
    });
    const org = await api1.call("POST", "/api/organizations/v1/organizations", { as: "alice", body: { name: "persisted-org", members: [] } });
    expect(env.body.environment.latestRevision.status).toBe("Queued");
    const projectBefore = (await api1.call("GET", `/api/projects/v1/projects/${project.id}`)).body.project;
    await first.stop();

    const onDisk = JSON.parse(readFileSync(statePath, "utf8"));
    expect(onDisk.format).toBe("domino-emulator-state");
    expect(onDisk.collections.projects).toHaveLength(1);

    await sleep(320);
    const second = await startEmulator({ statePath, buildDurationMs: 300 });
    try {
      const api2 = apiFor(second);
      expect((await api2.call("GET", `/api/projects/v1/projects/${project.id}`)).body.project).toEqual(projectBefore);
      expect((await api2.call("GET", `/api/projects/v1/projects/${project.id}/goals`)).body.goals).toEqual([goal.body.goal]);
      expect((await api2.call("GET", `/api/datasetrw/v1/datasets/${dataset.body.dataset.id}`)).body.dataset).toEqual(dataset.body.dataset);
      const envAfter = await api2.call("GET", `/api/environments/v1/environments/${env.body.environment.id}`, { as: "alice" });
      expect(envAfter.body.environment.latestRevision.status).toBe("Succeeded");
      expect((await api2.call("GET", `/api/organizations/v1/organizations/${org.body.org.id}`, { as: "alice" })).body.org.name).toBe("persisted-org");
      expect((await api2.call("GET", "/api/users/v1/self", { as: "bob" })).body.user.id).toBe(first.users.bob.id);

      // Reset is persisted too.
      await api2.control("POST", "/reset");
    } finally {
      await second.stop();
    }
    const third = await startEmulator({ statePath });
    try {
      expect((await apiFor(third).call("GET", "/api/projects/beta/projects")).body.projects).toEqual([]);
    } finally {
      await third.stop();
    }
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  test("a corrupt or foreign state file is refused, not overwritten", async () => {
    const statePath = path.join(dir, "state.json");
    writeFileSync(statePath, '{"format":"domino-emulator-state","formatVersion":1,"collections":{"projects":[{"id"');
    await expect(startEmulator({ statePath })).rejects.toThrow(/not valid JSON/);
    writeFileSync(statePath, JSON.stringify({ hello: "world" }));
    await expect(startEmulator({ statePath })).rejects.toThrow(/not a Domino emulator state file/);
    expect(JSON.parse(readFileSync(statePath, "utf8"))).toEqual({ hello: "world" });
  });

  test("concurrent creates are all on disk once acknowledged", async () => {
    const statePath = path.join(dir, "state.json");
    const emulator = await startEmulator({ statePath });
    try {
      const api = apiFor(emulator);
      const created = await Promise.all(Array.from({ length: 40 }, () => createProject(api, "bob")));
      const onDisk = JSON.parse(readFileSync(statePath, "utf8"));
      const ids = onDisk.collections.projects.map((p: { id: string }) => p.id);
      for (const p of created) expect(ids).toContain(p.id);
    } finally {
      await emulator.stop();
    }
  });

  test("an emulator killed with SIGKILL mid-write leaves a readable file holding every acknowledged create", async () => {
    const statePath = path.join(dir, "state.json");
    const child: ChildProcess = spawn(
      process.execPath,
      ["-r", "ts-node/register", "-e", 'require("./emulator").startEmulator({ statePath: process.argv[1] }).then(e => console.log("URL " + e.url))', statePath],
      { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: "emulator/tsconfig.json", TS_NODE_TRANSPILE_ONLY: "1" }, stdio: ["ignore", "pipe", "inherit"] },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout?.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const match = /URL (\S+)/.exec(out);
          if (match) resolve(match[1]);
        });
        child.once("exit", (code) => reject(new Error(`child exited early (${code})`)));
      });

      const acknowledged: string[] = [];
      let killed = false;
      const worker = async (w: number) => {
        for (let i = 0; !killed; i++) {
          const name = `killed-${w}-${i}`;
          try {
            const res = await fetch(`${url}/api/projects/beta/projects`, {
              method: "POST",
              headers: { "X-Domino-Api-Key": "domino-emulator-alice-key", "Content-Type": "application/json" },
              body: JSON.stringify({ name, description: "", visibility: "Private" }),
            });
            if (res.status === 200) acknowledged.push(name);
          } catch {
            return;
          }
          if (acknowledged.length >= 60 && !killed) {
            killed = true;
            child.kill("SIGKILL");
          }
        }
      };
      await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(worker));
      await exited;
      expect(acknowledged.length).toBeGreaterThanOrEqual(60);

      const restarted = await startEmulator({ statePath });
      try {
        const list = await apiFor(restarted).call("GET", "/api/projects/beta/projects?limit=100000", { as: "alice" });
        const names = new Set(list.body.projects.map((p: { name: string }) => p.name));
        for (const name of acknowledged) expect(names.has(name)).toBe(true);
      } finally {
        await restarted.stop();
      }
      // Temporary files left by the killed process are removed on the next start.
      expect(readdirSync(dir)).toEqual(["state.json"]);
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
  });
});
