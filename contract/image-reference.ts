// A deployment's container image, checked strictly before it goes near `docker run`: the server
// refuses a bad one when the deployment is saved, and the agent checks it again before it builds
// the command (a deployment saved before this check, or a tampered database, must not turn the
// image into an option: `--volume=/:/host` or `--privileged` as an "image" gave a task the
// agent host's root filesystem). One rule, imported by both.
//
// The grammar is Docker's own (github.com/distribution/reference, the parser the docker CLI
// uses):
//   reference  := name [":" tag] ["@" digest]
//   name       := [domain "/"] path-component ["/" path-component]*
//   domain     := host [":" port]     (only when the first part has a "." or ":" or is "localhost")
//   path-component := [a-z0-9]+ ([._] | "__" | "-"+ [a-z0-9]+)*
//   tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//   digest     := algorithm ":" hex{32,}
// so no reference can start with "-", hold a space, "=" or any other character of an option.
import * as z from "zod";

/** Docker's limit on the name part (distribution/reference NameTotalLengthMax). */
const MAX_NAME_LENGTH = 255;
/** Longest reference accepted at all (a name, a tag of 128 and a sha512 digest fit). */
export const MAX_IMAGE_REFERENCE_LENGTH = 500;

// Each separator is required between alphanumeric runs, so these match in linear time.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const PORT = /^[0-9]{1,5}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

const EXPECTED =
  "expected [registry[:port]/]name[:tag][@digest] with a lowercase name, e.g. python:3.12-slim or ghcr.io/org/app:1.2";

/**
 * Why `image` is not a valid Docker image reference (a sentence naming the rule), or null when it
 * is one.
 */
export function imageReferenceProblem(image: string): string | null {
  const problem = findProblem(image);
  return problem ? `image ${JSON.stringify(image)} ${problem} (${EXPECTED})` : null;
}

function findProblem(image: string): string | null {
  if (image === "") return "is empty";
  if (image.length > MAX_IMAGE_REFERENCE_LENGTH) {
    return `is longer than ${MAX_IMAGE_REFERENCE_LENGTH} characters`;
  }
  if (image.startsWith("-")) {
    return 'must not start with "-": docker would read it as an option, not an image';
  }
  if (/[\s\u0000-\u001f\u007f]/.test(image)) return "must not hold spaces or control characters";

  let rest = image;
  const at = rest.indexOf("@");
  if (at >= 0) {
    const digest = rest.slice(at + 1);
    if (!DIGEST.test(digest)) {
      return `has a malformed digest ${JSON.stringify(digest)} (expected algorithm:hex, e.g. sha256: and 64 hex digits)`;
    }
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    const tag = rest.slice(colon + 1);
    if (!TAG.test(tag)) {
      return `has a malformed tag ${JSON.stringify(tag)} (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")`;
    }
    rest = rest.slice(0, colon);
  }
  if (rest.length > MAX_NAME_LENGTH) return `has a name longer than ${MAX_NAME_LENGTH} characters`;

  const parts = rest.split("/");
  const first = parts[0]!;
  // Docker's rule for telling a registry from the first path component.
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    const problem = domainProblem(first);
    if (problem) return problem;
    parts.shift();
  }
  for (const part of parts) {
    if (part === "") return 'has an empty name component (a leading, trailing or doubled "/")';
    if (!PATH_COMPONENT.test(part)) {
      return `has the name component ${JSON.stringify(part)}, which must be lowercase letters and digits separated by ".", "_", "__" or "-"`;
    }
  }
  return null;
}

function domainProblem(domain: string): string | null {
  let host = domain;
  const portAt = domain.startsWith("[") ? domain.indexOf("]:") + 1 : domain.lastIndexOf(":");
  if (portAt > 0) {
    const port = domain.slice(portAt + 1);
    if (!PORT.test(port)) return `has a malformed registry port ${JSON.stringify(port)}`;
    host = domain.slice(0, portAt);
  }
  const valid = host.startsWith("[")
    ? IPV6_HOST.test(host)
    : host.split(".").every((component) => DOMAIN_COMPONENT.test(component));
  return valid ? null : `has a malformed registry host ${JSON.stringify(host)}`;
}

/** A deployment's image, as the API and the studio take it. */
export const ImageReferenceSchema = z
  .string()
  .superRefine((image, ctx) => {
    const problem = imageReferenceProblem(image);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .describe(
    "A Docker image reference, [registry[:port]/]name[:tag][@digest] with a lowercase name (e.g. python:3.12-slim)",
  );
