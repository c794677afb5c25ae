/**
 * A stack written by the previous build of the package, then refreshed and destroyed by
 * the current one: what a user's upgrade does.
 *
 * "The previous build" is concrete: `provider/` as of the newest commit whose
 * `provider/` differs from this working tree (or PULUMI_DOMINO_PREVIOUS_REV), taken
 * with `git archive` and compiled into a temporary directory. A program installs that
 * build as its `pulumi-domino` package and runs `pulumi up`; the package is then
 * swapped for the current build and the same stack is refreshed and destroyed. `read`
 * and `delete` run the `__provider` text stored by the previous build, so this proves
 * that stored text loads the installed package's code.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { E2eEmulator, startE2eEmulator } from "./helpers/domino";
import { CLI_SETUP_TIMEOUT_MS, dynamicResources, providerBytes, pulumiBinDir, PulumiProject, REPO_ROOT, resourceName } from "./helpers/pulumi";

const STEP_TIMEOUT_MS = 180_000;

function git(args: string[]): string {
  return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
}

/** The newest commit whose provider/ differs from the working tree's. */
function previousRevision(): string {
  if (process.env.PULUMI_DOMINO_PREVIOUS_REV) return git(["rev-parse", "--verify", `${process.env.PULUMI_DOMINO_PREVIOUS_REV}^{commit}`]);
  let revisions: string[];
  try {
    revisions = git(["rev-list", "HEAD", "--", "provider"]).split("\n").filter(Boolean);
  } catch (err) {
    throw new Error(`the previous build is taken from git history, and git failed in ${REPO_ROOT}: ${(err as Error).message}`);
  }
  for (const rev of revisions) {
    try {
      execFileSync("git", ["diff", "--quiet", rev, "--", "provider"], { cwd: REPO_ROOT });
    } catch {
      return rev;
    }
  }
  throw new Error("no commit has a provider/ different from the working tree: there is no previous build to test against");
}

/** Compiles provider/ of `rev` into `<dir>/build/provider/dist`. */
function buildPackageAt(rev: string, dir: string): string {
  const build = path.join(dir, "build");
  fs.mkdirSync(build, { recursive: true });
  const tarball = path.join(dir, "previous.tar");
  fs.writeFileSync(tarball, execFileSync("git", ["archive", "--format=tar", rev, "provider", "tsconfig.base.json"], { cwd: REPO_ROOT, maxBuffer: 256 * 1024 * 1024 }));
  execFileSync("tar", ["-xf", tarball, "-C", build]);
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(build, "node_modules"), "dir");
  execFileSync(process.execPath, [path.join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", path.join(build, "provider")], { stdio: "inherit" });
  return path.join(build, "provider");
}

/** The program written against the previous build's API (plain JavaScript, so any build runs it). */
const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const domino = require("pulumi-domino");
const config = new pulumi.Config();

const goal = new domino.Goal("goal", { projectId: config.require("existingProjectId"), title: "Written by the previous build" });
exports.goalId = goal.goalId;

if (domino.Project && domino.Collaborator) {
  const project = new domino.Project("project", { name: "previous-build", description: "", visibility: "Private" });
  new domino.Collaborator("collaborator", { projectId: project.id, userId: config.require("userId"), role: "contributor" });
  exports.projectId = project.id;
}
`;

/**
 * The builds whose stored providers the current build must keep running: the previous one,
 * and the last build whose stored provider was the per-method text that requires
 * `pulumi-domino/dist/resources/<module>` and `pulumi-domino/dist/config` directly (every
 * stack written before `dist/shims/` existed holds that text).
 */
const METHOD_TEXT_SHIM_BUILD = "7fa5a39";
const BUILDS: Array<[string, () => string]> = [
  ["the previous build", previousRevision],
  ["the last build with per-method stored providers", () => git(["rev-parse", "--verify", `${METHOD_TEXT_SHIM_BUILD}^{commit}`])],
];

describe.each(BUILDS)("a stack written by %s of the package", (_label, revisionOf) => {
  let domino: E2eEmulator;
  let stack: PulumiProject;
  let work: string;
  let rev: string;
  let existingProjectId: string;
  let packageLink: string;

  beforeAll(async () => {
    pulumiBinDir();
    rev = revisionOf();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-domino-e2e-previous-"));
    const previous = buildPackageAt(rev, work);

    domino = await startE2eEmulator();
    existingProjectId = (await domino.api("POST", "/api/projects/beta/projects", { name: "existing", description: "", visibility: "Private" })).body.project.id;

    stack = await PulumiProject.createFromFiles(
      "previous-build",
      {
        "Pulumi.yaml": "name: domino-previous-build\nruntime: nodejs\n",
        "package.json": JSON.stringify({ name: "previous-build-program", main: "index.js" }),
        "index.js": PROGRAM,
      },
      // node_modules: the repository's packages, except pulumi-domino, which is the previous build.
      (nodeModules) => {
        for (const entry of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
          if (entry === "pulumi-domino") continue;
          fs.symlinkSync(path.join(REPO_ROOT, "node_modules", entry), path.join(nodeModules, entry));
        }
        packageLink = path.join(nodeModules, "pulumi-domino");
        fs.mkdirSync(packageLink);
        fs.copyFileSync(path.join(previous, "package.json"), path.join(packageLink, "package.json"));
        fs.cpSync(path.join(previous, "dist"), path.join(packageLink, "dist"), { recursive: true });
      },
    );
    await stack.setConfig({
      "domino:host": domino.url,
      "domino:apiKey": { value: domino.adminKey, secret: true },
      existingProjectId,
      userId: domino.emulator.users.alice.id,
    });
  }, CLI_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    stack?.dispose();
    if (work) fs.rmSync(work, { recursive: true, force: true });
    await domino?.stop();
  });

  let written: string[];

  test(
    "the previous build creates the stack",
    async () => {
      const outcome = await stack.up();
      written = Object.keys(outcome.changed).sort();
      expect(written).toContain("goal");
      expect(Object.values(outcome.changed).every((ops) => ops.join() === "create")).toBe(true);
      const state = await stack.exportState();
      const stored = providerBytes(state);
      console.info(`previous build ${rev.slice(0, 12)} wrote ${JSON.stringify(stored)} (__provider bytes)`);
      // The stored provider only names the package's modules: no code of the build itself.
      for (const r of dynamicResources(state)) expect(r.inputs!.__provider).toMatch(/pulumi-domino\/dist\/(resources|shims)\//);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "after upgrading to the current build, refresh reads every resource and preview plans no replacement",
    async () => {
      fs.rmSync(packageLink, { recursive: true });
      fs.symlinkSync(path.join(REPO_ROOT, "provider"), packageLink, "dir");

      const refreshed = await stack.refresh();
      expect(Object.keys(refreshed.ops).sort()).toEqual(written);
      expect(Object.values(refreshed.ops).flat()).not.toContain("delete");

      const plan = await stack.preview();
      const ops = plan.steps.filter((s) => !s.urn.includes("::pulumi:pulumi:Stack::")).map((s) => `${resourceName(s.urn)}:${s.op}`);
      expect(ops.filter((o) => /:(replace|delete|create)$/.test(o))).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "the current build destroys it",
    async () => {
      const outcome = await stack.destroy();
      expect(Object.keys(outcome.changed).sort()).toEqual(written);
      expect(Object.values(outcome.changed).every((ops) => ops.join() === "delete")).toBe(true);
      const goals = await domino.api("GET", `/api/projects/v1/projects/${existingProjectId}/goals`);
      expect(goals.body.goals).toEqual([]);
      expect((await domino.census()).projects).toEqual([`existing (${existingProjectId})`]);
      expect((await stack.exportState()).resources ?? []).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );
});
