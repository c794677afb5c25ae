// The stored provider of every organization resource (see ../shim.ts): keep this path stable.
import { makeShim } from "../shim";
export = makeShim("pulumi-domino/dist/resources/organization");
