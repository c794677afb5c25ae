/**
 * The serialized provider.
 *
 * Pulumi stores the provider's source text in the state of every resource, and runs
 * the stored text for `read` and `delete`. This shim is all that is stored: each
 * method `require`s this package's module for the resource when called, in the
 * provider process. The state stays small, no setting is captured, and after an
 * upgrade `refresh` and `destroy` run the installed code.
 *
 * The module paths below (`pulumi-domino/dist/config`,
 * `pulumi-domino/dist/resources/<name>`, each exporting `provider`) are part of the
 * package's contract with state written by earlier versions: keep them stable.
 */
import * as pulumi from "@pulumi/pulumi";

export function providerShim(resourceModule: string): pulumi.dynamic.ResourceProvider {
  const modulePath = `pulumi-domino/dist/resources/${resourceModule}`;
  return {
    async configure(req: pulumi.dynamic.ConfigureRequest) {
      require("pulumi-domino/dist/config").configureFromStack(req.config);
    },
    async check(olds: unknown, news: unknown) {
      return require(modulePath).provider.check(olds, news);
    },
    async diff(id: string, olds: unknown, news: unknown) {
      return require(modulePath).provider.diff(id, olds, news);
    },
    async create(inputs: unknown) {
      return require(modulePath).provider.create(inputs);
    },
    async read(id: string, props: unknown) {
      return require(modulePath).provider.read(id, props);
    },
    async update(id: string, olds: unknown, news: unknown) {
      return require(modulePath).provider.update(id, olds, news);
    },
    async delete(id: string, props: unknown) {
      return require(modulePath).provider.delete(id, props);
    },
  };
}
