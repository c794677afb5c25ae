// The stored provider of every environment-revision resource (see ../shim.ts): keep this path stable.
import { makeShim } from "../shim";
export = makeShim("pulumi-domino/dist/resources/environment-revision");
