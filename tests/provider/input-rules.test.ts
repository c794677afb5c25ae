/**
 * The input rules of docs/reference/input-rules.md, at `check`: each one refuses the
 * value just past its bound with a message naming the field and the rule, and accepts the
 * value at its bound. (tests/e2e/bad-input.test.ts shows the same rules through the CLI.)
 */
import { provider as dataset } from "../../provider/resources/dataset";
import { provider as datasetSnapshot } from "../../provider/resources/dataset-snapshot";
import { provider as environment } from "../../provider/resources/environment";
import { provider as environmentRevision } from "../../provider/resources/environment-revision";
import { provider as gitRepository } from "../../provider/resources/git-repository";
import { provider as goal } from "../../provider/resources/goal";
import { provider as organization } from "../../provider/resources/organization";
import { provider as project } from "../../provider/resources/project";
import { provider as snapshotTag } from "../../provider/resources/snapshot-tag";

interface Checks {
  check(olds: object, news: object): Promise<{ failures?: Array<{ property: string; reason: string }> }>;
}

const ID = "65f0a0000000000000000001";
const ID2 = "65f0a0000000000000000002";

const kinds: Record<string, { provider: Checks; base: Record<string, unknown> }> = {
  Project: { provider: project, base: { name: "churn" } },
  Goal: { provider: goal, base: { projectId: ID, title: "Ship" } },
  Environment: { provider: environment, base: { name: "Python 3.11", image: "python:3.11" } },
  EnvironmentRevision: { provider: environmentRevision, base: { environmentId: ID, image: "python:3.11" } },
  Dataset: { provider: dataset, base: { projectId: ID, name: "raw" } },
  DatasetSnapshot: { provider: datasetSnapshot, base: { datasetId: ID, relativeFilePaths: ["data"] } },
  SnapshotTag: { provider: snapshotTag, base: { datasetId: ID, snapshotId: ID2, tagName: "prod" } },
  Organization: { provider: organization, base: { name: "data-team" } },
  GitRepository: { provider: gitRepository, base: { projectId: ID, uri: "https://github.com/acme/etl.git" } },
};

async function reasons(kind: string, inputs: Record<string, unknown>): Promise<string[]> {
  const { provider, base } = kinds[kind];
  const result = await provider.check({}, { ...base, ...inputs });
  return (result.failures ?? []).map((f) => f.reason);
}

const long = (n: number, ch = "a") => ch.repeat(n);

// [kind, inputs, the one failure expected]
const refused: Array<[string, Record<string, unknown>, string]> = [
  ["Project", { name: "a/b" }, 'Project.name must contain only letters, digits, "-", "_" and "." (Domino project names are part of URLs), got "a/b"'],
  ["Project", { name: "..", }, 'Project.name must not be ".." (Domino project names are part of URLs)'],
  ["Project", { name: "churn?x=1" }, 'Project.name must contain only letters, digits, "-", "_" and "." (Domino project names are part of URLs), got "churn?x=1"'],
  ["Project", { name: long(101) }, "Project.name must be at most 100 characters long, got 101"],
  ["Project", { name: "my project" }, 'Project.name must not contain whitespace (Domino project names are part of URLs), got "my project"'],
  ["Project", { description: long(10_001) }, "Project.description must be at most 10000 characters long, got 10001"],
  ["Goal", { title: long(256) }, "Goal.title must be at most 255 characters long, got 256"],
  ["Goal", { title: "line\nbreak" }, 'Goal.title must not contain line breaks or other control characters, got "line\\nbreak"'],
  ["Goal", { title: " Ship" }, 'Goal.title must not start or end with whitespace, got " Ship"'],
  ["Goal", { description: long(10_001) }, "Goal.description must be at most 10000 characters long, got 10001"],
  ["Environment", { name: long(256) }, "Environment.name must be at most 255 characters long, got 256"],
  ["Environment", { name: "a\tb" }, 'Environment.name must not contain line breaks or other control characters, got "a\\tb"'],
  ["Environment", { description: long(10_001) }, "Environment.description must be at most 10000 characters long, got 10001"],
  ["EnvironmentRevision", { buildTimeoutMinutes: 0.5 }, "EnvironmentRevision.buildTimeoutMinutes must be at least 1 (minutes), got 0.5"],
  ["EnvironmentRevision", { buildTimeoutMinutes: 1441 }, "EnvironmentRevision.buildTimeoutMinutes must be at most 1440 (minutes, one day), got 1441"],
  ["Dataset", { name: "raw data" }, 'Dataset.name must contain only letters, digits, "-", "_" and "." (the name is the dataset\'s directory, /domino/datasets/local/<name>), got "raw data"'],
  ["Dataset", { name: "." }, 'Dataset.name must not be "." (the name is the dataset\'s directory, /domino/datasets/local/<name>)'],
  ["Dataset", { name: long(101) }, "Dataset.name must be at most 100 characters long, got 101"],
  ["Dataset", { description: long(10_001) }, "Dataset.description must be at most 10000 characters long, got 10001"],
  ["DatasetSnapshot", { snapshotTimeoutMinutes: 0 }, "DatasetSnapshot.snapshotTimeoutMinutes must be at least 1 (minutes), got 0"],
  ["DatasetSnapshot", { snapshotTimeoutMinutes: 2000 }, "DatasetSnapshot.snapshotTimeoutMinutes must be at most 1440 (minutes, one day), got 2000"],
  ["SnapshotTag", { tagName: ".." }, 'SnapshotTag.tagName must not be ".." (the tag name is a segment of the API path .../tags/{tagName})'],
  ["SnapshotTag", { tagName: "v1\n" }, 'SnapshotTag.tagName must not contain line breaks or other control characters, got "v1\\n"'],
  ["SnapshotTag", { tagName: long(101) }, "SnapshotTag.tagName must be at most 100 characters long, got 101"],
  ["Organization", { name: "data team" }, 'Organization.name must contain only letters, digits, "-", "_" and "." (organization names share the namespace of user names, which are part of URLs), got "data team"'],
  ["Organization", { name: long(101) }, "Organization.name must be at most 100 characters long, got 101"],
  ["GitRepository", { name: "my/etl" }, 'GitRepository.name must contain only letters, digits, "-", "_" and "." (the name is the directory the repository is cloned into), got "my/etl"'],
  ["GitRepository", { name: long(101) }, "GitRepository.name must be at most 100 characters long, got 101"],
];

describe("input rules", () => {
  it.each(refused)("%s %j is refused, naming the field and the rule", async (kind, inputs, reason) => {
    expect(await reasons(kind, inputs)).toEqual([reason]);
  });

  // [kind, inputs] at the edge of each rule: accepted.
  const accepted: Array<[string, Record<string, unknown>]> = [
    ["Project", { name: long(100), description: long(10_000) }],
    ["Project", { name: "Churn_model-2.v1" }],
    ["Goal", { title: long(255), description: long(10_000) }],
    ["Goal", { title: "Ship v1 (the first model)" }],
    ["Environment", { name: `Domino Standard ${long(200)}`, description: long(10_000) }],
    ["EnvironmentRevision", { buildTimeoutMinutes: 1 }],
    ["EnvironmentRevision", { buildTimeoutMinutes: 1440 }],
    ["Dataset", { name: long(100), description: long(10_000) }],
    ["DatasetSnapshot", { snapshotTimeoutMinutes: 1.5 }],
    ["SnapshotTag", { tagName: "release/2024 q1" }],
    ["Organization", { name: "data.team_1" }],
    ["GitRepository", { name: "etl.v2" }],
  ];
  it.each(accepted)("%s %j passes", async (kind, inputs) => {
    expect(await reasons(kind, inputs)).toEqual([]);
  });

  it("names no property for a failure in the variables: the engine prints the value of the property named", async () => {
    for (const kind of ["Environment", "EnvironmentRevision"]) {
      const { provider, base } = kinds[kind];
      const result = await provider.check({}, {
        ...base,
        environmentVariables: [{ key: "A", value: "s3cr3t" }, { key: "A", value: "other" }, { key: "2B", value: "s3cr3t" }],
      });
      expect(result.failures?.map((f) => f.property)).toEqual(["", ""]);
      expect(JSON.stringify(result.failures)).not.toContain("s3cr3t");
    }
  });

  it("checks the main repository's name like a GitRepository's", async () => {
    expect(await reasons("Project", { mainRepository: { uri: "https://github.com/acme/etl.git", name: "a b" } })).toEqual([
      'Project.mainRepository.name must contain only letters, digits, "-", "_" and "." (the name is the directory the repository is cloned into), got "a b"',
    ]);
  });
});
