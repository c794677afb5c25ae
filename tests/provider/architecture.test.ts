/**
 * The layers import downward only: resources and lookups are siblings that share the kit
 * and the client, never each other; the client knows nothing of resources.
 */
import * as fs from "fs";
import * as path from "path";

const PROVIDER = path.resolve(__dirname, "../../provider");

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(PROVIDER, dir))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(dir, f));
}

/** Relative imports of a file, resolved to paths under provider/ (without extension). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(PROVIDER, file), "utf8");
  const specs = [...text.matchAll(/(?:from|require\()\s*["'](\.[^"']+)["']/g)].map((m) => m[1]);
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)));
}

const layer = (p: string) => p.split(path.sep)[0];

describe("import graph", () => {
  it.each([...sources("resources"), ...sources("lookups")])("%s imports no resource and no lookup but its own helpers", (file) => {
    const offending = importsOf(file).filter((p) => layer(p) === "resources" || (layer(p) === "lookups" && !p.endsWith(path.join("lookups", "settings"))));
    expect(offending.filter((p) => p !== file.replace(/\.ts$/, ""))).toEqual([]);
  });

  it.each([...sources("kit"), ...sources("client")])("%s imports nothing above it", (file) => {
    const allowed = layer(file) === "client" ? ["client", "settings"] : ["kit", "client", "settings", "config", "shim"];
    const offending = importsOf(file).filter((p) => !allowed.includes(layer(p)));
    expect(offending).toEqual([]);
  });

  it("finds the imports it checks (a check that cannot fail is no check)", () => {
    expect(importsOf(path.join("resources", "goal.ts"))).toContain(path.join("kit", "lifecycle"));
  });
});
