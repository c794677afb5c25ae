/**
 * What a resource constructor does with the process's stack formatter: the traces the
 * SDK takes for its promises (read only by its promise-leak report) are skipped unless
 * PULUMI_DEBUG_PROMISE_LEAKS asks for them; every other trace, such as the resource's
 * source position, goes through the formatter in place; and the formatter is put back.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Goal } from "../../provider/resources/goal";

type Formatter = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** What a recording formatter saw while a Goal was constructed. */
interface Recorded {
  /** The top frame's function of each trace formatted. */
  topFrames: string[];
  /** The files of the frames of the SDK's source-position trace (`Resource.callsites`). */
  positionFiles: string[];
  restored: boolean;
  registered: Promise<unknown>;
}

/** Constructs a Goal with a recording formatter in place. */
function constructRecording(): Recorded {
  const topFrames: string[] = [];
  const positionFiles: string[] = [];
  const recording: Formatter = (error, frames) => {
    topFrames.push(frames[0]?.getFunctionName() ?? "");
    if (frames[0]?.getFunctionName() === "callsites") positionFiles.push(...frames.map((f) => f.getFileName() ?? ""));
    return `${String(error)}${frames.map((f) => `\n    at ${String(f)}`).join("")}`;
  };
  const before = Error.prepareStackTrace;
  Error.prepareStackTrace = recording;
  try {
    const goal = new Goal(`g${Math.random().toString(36).slice(2)}`, { projectId: "65f0a0000000000000000100", title: "Ship" });
    const registered = (goal.urn as unknown as { promise(): Promise<unknown> }).promise();
    return { topFrames, positionFiles, restored: Error.prepareStackTrace === recording, registered };
  } finally {
    Error.prepareStackTrace = before;
  }
}

describe("resource constructors and stack traces", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
      "project",
      "stack",
      false,
    );
  });

  afterEach(() => {
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  });

  it("skips the SDK's promise traces, formats the others with the formatter in place, and puts it back", async () => {
    const { topFrames, restored, registered } = constructRecording();
    await registered;
    expect(restored).toBe(true);
    expect(topFrames).not.toContain("debuggablePromise");
    // The SDK's source position of the resource (Resource.callsites) is still formatted,
    // by the formatter the program has (source-map-support under Pulumi's host).
    expect(topFrames).toContain("callsites");
  });

  it("records the program's line as the source position, not this package's", async () => {
    const { positionFiles, registered } = constructRecording();
    await registered;
    // The SDK takes the sixth frame (after callsites, stackTrace, Resource, CustomResource
    // and the class below it: here dynamic.Resource), as it does for a generated SDK's class.
    expect(positionFiles[5]).toBe(__filename);
    const packageRoot = path.resolve(__dirname, "../../provider") + path.sep;
    expect(positionFiles.filter((f) => f.startsWith(packageRoot))).toEqual([]);
  });

  it("formats every trace when PULUMI_DEBUG_PROMISE_LEAKS is set", async () => {
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
    const { topFrames, restored, registered } = constructRecording();
    await registered;
    expect(restored).toBe(true);
    expect(topFrames).toContain("debuggablePromise");
    expect(topFrames).toContain("callsites");
  });

  it("puts the formatter back when the constructor throws", () => {
    const before = Error.prepareStackTrace;
    const mine: Formatter = (error) => String(error);
    Error.prepareStackTrace = mine;
    try {
      // A resource without a name is refused by the SDK inside the constructor.
      expect(() => new Goal("", { projectId: "p", title: "a" })).toThrow("Missing resource name");
      expect(Error.prepareStackTrace).toBe(mine);
    } finally {
      Error.prepareStackTrace = before;
    }
  });
});
