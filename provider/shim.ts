/**
 * The serialized provider.
 *
 * Pulumi stores the provider's source text in the state of every resource (twice), and
 * runs the stored text for `read` and `delete`. This shim is all that is stored: each
 * method `require`s this package's module for the resource when called, in the provider
 * process. The state stays small, no setting is captured, and after an upgrade `refresh`
 * and `destroy` run the installed code.
 *
 * Each kind's shim is the whole export of its own module, `dist/shims/<module>.js`. That
 * does two things:
 * - one shim object per kind per program run: the SDK caches a serialization per
 *   provider object, so a fresh object per resource would be serialized again each time;
 * - when the package is installed (under node_modules), the SDK's serializer recognises
 *   a module's exports and stores only `require("pulumi-domino/dist/shims/<module>.js")`,
 *   a few hundred bytes, instead of the methods' text. (Linked into a workspace, outside
 *   node_modules, the methods are stored as text: larger, but equivalent.)
 *
 * Module paths that stored shims call, kept stable for state written by every version:
 * `pulumi-domino/dist/shims/<module>.js` (module exports), `pulumi-domino/dist/config`
 * (`configureFromStack`) and `pulumi-domino/dist/resources/<module>` (`provider`).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

/**
 * Whether this package was installed under node_modules. Only then can the serializer store
 * a module reference that the provider process resolves; linked elsewhere (a workspace),
 * the module's path relative to the program would not resolve, so the methods go by value.
 */
const INSTALLED = __dirname.split(path.sep).includes("node_modules");
const byValue = new Map<string, pulumi.dynamic.ResourceProvider>();

/** The shim for one resource module, e.g. `goal`: the export of `dist/shims/goal.js`. */
export function providerShim(resourceModule: string): pulumi.dynamic.ResourceProvider {
  // Resolved at run time so that each kind's module is loaded only when it is used.
  const exported = require(`./shims/${resourceModule}`) as pulumi.dynamic.ResourceProvider;
  if (INSTALLED) return exported;
  let copy = byValue.get(resourceModule);
  if (!copy) {
    // A plain copy is not a module's exports, so the serializer stores its methods' text.
    copy = { ...exported };
    byValue.set(resourceModule, copy);
  }
  return copy;
}

/**
 * The methods for one resource module. Kept small: when stored as text, it is copied into
 * the state of every resource. `m` is the only captured value; each method resolves the
 * module at call time, in the provider process.
 */
export function makeShim(m: string): pulumi.dynamic.ResourceProvider {
  return {
    configure: (q) => require("pulumi-domino/dist/config").configureFromStack(q.config),
    check: (o, n) => require(m).provider.check(o, n),
    diff: (i, o, n) => require(m).provider.diff(i, o, n),
    create: (n) => require(m).provider.create(n),
    read: (i, p) => require(m).provider.read(i, p),
    update: (i, o, n) => require(m).provider.update(i, o, n),
    delete: (i, p) => require(m).provider.delete(i, p),
  };
}
