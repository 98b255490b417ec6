// One lint setup for the whole tree: Next.js's rules (React, hooks, accessibility, TypeScript),
// plus the project's own: no stray console in the studio, no unused code.
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// `import { z }` is zod's whole namespace object: a bundle keeps every locale and the JSON Schema
// converters with it. `import * as z` lets esbuild drop what is unused — the agent bundle went
// from 986 KB to 425 KB and an idle agent's RSS from 59 to 57 MB.
const zodNamespace = {
  selector: 'ImportDeclaration[source.value="zod"] > ImportSpecifier[imported.name="z"]',
  message: 'Write `import * as z from "zod"`: the named `z` keeps all of zod in bundles.',
};

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "dist/**",
      "node_modules/**",
      ".pipebook/**",
      "server/db/generated/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      eqeqeq: ["error", "always"],
      "no-restricted-syntax": ["error", zodNamespace],
    },
  },
  {
    files: ["app/**/*.tsx"],
    rules: { "no-console": "error" },
  },
  {
    // React calls whatever an effect returns as its cleanup: an arrow with an expression body
    // returns its value — scrollIntoView's Promise in current Chromium crashed every page that
    // unmounted with it ("i is not a function"). Effects have block bodies (or return a cleanup).
    files: ["app/**/*.ts", "app/**/*.tsx"],
    rules: {
      "no-restricted-syntax": [
        "error",
        zodNamespace,
        {
          selector: `CallExpression[callee.name=/^use(Layout|Insertion)?Effect$/] > ArrowFunctionExpression.arguments:first-child[body.type!="BlockStatement"][body.type!="ArrowFunctionExpression"][body.type!="FunctionExpression"]`,
          message:
            "Give the effect a block body: React calls the value an expression-bodied effect returns as its cleanup.",
        },
      ],
    },
  },
  {
    // Playwright fixtures call their continuation `use`, which is not a React hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
];

export default config;
