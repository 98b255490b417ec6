// Types of build-fingerprint.mjs, for the tests that import it.
import type { Stats } from "node:fs";

export declare const BUILD_INPUTS: readonly string[];
export declare function stampFile(root: string): string;
export declare function forEachFile(dir: string, onFile: (file: string, stat: Stats) => void): void;
export declare function sourceFingerprint(root: string): string;
export declare function isBuildCurrent(root: string, fingerprint?: string): boolean;
