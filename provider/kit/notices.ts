/**
 * Messages for the person running Pulumi, from inside the provider process.
 *
 * `pulumi.log` is not connected to the engine in a dynamic provider's process (it has no
 * engine address), and `check`, `diff` and `delete` have no way to return a warning. The
 * engine does forward each line a provider plugin writes to stderr to the CLI output, so
 * that is where these go.
 */
export function warnUser(message: string): void {
  process.stderr.write(`warning: pulumi-domino: ${message}\n`);
}

/** A line of information (what a step is about to do), the same way. */
export function tellUser(message: string): void {
  process.stderr.write(`pulumi-domino: ${message}\n`);
}
