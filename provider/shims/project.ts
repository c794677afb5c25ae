// The stored provider of every project resource (see ../shim.ts): keep this path stable.
import { makeShim } from "../shim";
export = makeShim("pulumi-domino/dist/resources/project");
