/**
 * Which operations and fields a Domino version serves, read from the contract's own
 * annotations: `x-domino-versions` on operations ("5.3, 5.9.1-6.3 (absent in 5.3)") and
 * `x-domino-since` on schema properties ("5.11.1").
 */
import type { ContractOperation } from "./openapi";

export type DominoVersion = "6.3" | "5.3";
export const DOMINO_VERSIONS: readonly DominoVersion[] = ["6.3", "5.3"];

type VersionParts = number[];

function parseVersion(text: string): VersionParts {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)*$/.test(trimmed)) throw new Error(`Not a version: "${text}"`);
  return trimmed.split(".").map(Number);
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Reads a list such as "5.2, 5.3, 5.9.1-6.3 (absent in 5.3)". Parenthesised remarks are
 * commentary (they may even name versions the operation lacks), so they are dropped first.
 */
export function parseVersionList(text: string): Array<{ from: string; to: string }> {
  const withoutRemarks = text.replace(/\([^)]*\)/g, "");
  return withoutRemarks
    .split(",")
    .map((token) => token.trim())
    .filter((token) => token.length > 0)
    .map((token) => {
      const [from, to = from] = token.split("-").map((part) => part.trim());
      parseVersion(from);
      parseVersion(to);
      return { from, to };
    });
}

export function versionListIncludes(text: string, version: string): boolean {
  return parseVersionList(text).some(
    ({ from, to }) => compareVersions(version, from) >= 0 && compareVersions(version, to) <= 0,
  );
}

export function servesOperation(operation: ContractOperation, version: DominoVersion): boolean {
  return versionListIncludes(operation.dominoVersions, version);
}

/** True when a field annotated `x-domino-since: since` exists in `version`. */
export function hasField(since: unknown, version: DominoVersion): boolean {
  return typeof since !== "string" || compareVersions(version, since) >= 0;
}

export function isDominoVersion(value: string): value is DominoVersion {
  return (DOMINO_VERSIONS as readonly string[]).includes(value);
}
