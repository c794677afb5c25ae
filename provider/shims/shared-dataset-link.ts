// The stored provider of every shared-dataset-link resource (see ../shim.ts): keep this path stable.
import { makeShim } from "../shim";
export = makeShim("pulumi-domino/dist/resources/shared-dataset-link");
