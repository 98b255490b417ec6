// Types of build-fingerprint.mjs, for the tests that import it.
export declare const BUILD_INPUTS: readonly string[];
export declare function stampFile(root: string): string;
export declare function sourceFingerprint(root: string): string;
export declare function isBuildCurrent(root: string, fingerprint?: string): boolean;
