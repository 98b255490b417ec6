"use client";
// The form a flow's parameter schema generates: one field per parameter, typed by the schema,
// checked with the same validation the server applies (contract/parameters.ts) before anything
// is sent. Nothing is coerced behind the user's back: "abc" in a number field is refused, named.
import { useState, type FormEvent, type ReactNode } from "react";
import type { ParameterSchema } from "@/contract/flow-file/schema";
import { validateParameters, type ParameterValues } from "@/contract/parameters";
import { Alert, buttonClass, inputClass } from "./dialog";

type Kind = "string" | "number" | "boolean" | "enum" | "json";

function kindOf(schema: ParameterSchema): Kind {
  if (schema.enum) return "enum";
  const type = Array.isArray(schema.type) ? undefined : schema.type;
  if (type === "string") return "string";
  if (type === "number" || type === "integer") return "number";
  if (type === "boolean") return "boolean";
  return "json";
}

/** The text a field shows for a value. */
function toText(kind: Kind, value: unknown): string {
  if (value === undefined) return "";
  if (kind === "string" && typeof value === "string") return value;
  if (kind === "number" && typeof value === "number") return String(value);
  if (kind === "enum") return JSON.stringify(value);
  return JSON.stringify(value, null, 2);
}

/** The value a field's text stands for, or a problem; undefined when left empty. */
function fromText(kind: Kind, text: string): { value?: unknown; problem?: string } {
  if (kind === "string") return { value: text === "" ? undefined : text };
  if (text.trim() === "") return {};
  if (kind === "number") {
    const n = Number(text.trim());
    // Kept as text when it is no number, so the validation names the field and what it got.
    return { value: Number.isFinite(n) && /^[-+]?[\d.eE+-]+$/.test(text.trim()) ? n : text };
  }
  if (kind === "boolean") return { value: text === "true" };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { problem: "is not valid JSON" };
  }
}

/** Whether a problem's field ("repos[0]", "db.host") is inside the parameter `name`. */
function belongsTo(field: string, name: string): boolean {
  return field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`);
}

export function ParameterForm({
  schema,
  initial = {},
  partial = false,
  submitLabel,
  busy = false,
  serverError,
  onSubmit,
  children,
}: {
  schema: ParameterSchema;
  initial?: ParameterValues;
  /** Deployment defaults: required parameters may be left to each run. */
  partial?: boolean;
  submitLabel?: string;
  busy?: boolean;
  serverError?: string | null;
  onSubmit?: (values: ParameterValues) => void;
  /** Fields shown above the parameters (a deployment's name and queue). */
  children?: ReactNode;
}) {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      properties.map(([name, prop]) => [name, toText(kindOf(prop), initial[name] ?? prop.default)]),
    ),
  );
  const [issues, setIssues] = useState<{ field: string; message: string }[]>([]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const values: ParameterValues = {};
    const problems: { field: string; message: string }[] = [];
    for (const [name, prop] of properties) {
      const parsed = fromText(kindOf(prop), texts[name] ?? "");
      if (parsed.problem) problems.push({ field: name, message: `${name} ${parsed.problem}` });
      else if (parsed.value !== undefined) values[name] = parsed.value;
    }
    const result = validateParameters(schema, values, { partial });
    const all = [...problems, ...(result.ok ? [] : result.issues)];
    setIssues(all);
    if (all.length === 0 && result.ok) onSubmit?.(partial ? values : result.values);
  }

  // Problems of no one field (an unknown parameter, the whole object).
  const formIssues = issues.filter((i) => !properties.some(([n]) => belongsTo(i.field, n)));

  return (
    <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
      {children}
      {properties.length === 0 ? (
        <p className="text-sm text-zinc-500">This flow takes no parameters.</p>
      ) : null}
      {properties.map(([name, prop]) => {
        const kind = kindOf(prop);
        const id = `param-${name}`;
        const fieldIssues = issues.filter((i) => belongsTo(i.field, name));
        const set = (text: string) => setTexts((t) => ({ ...t, [name]: text }));
        const typeLabel = Array.isArray(prop.type) ? prop.type.join(" | ") : (prop.type ?? "any");
        return (
          <div key={name} className="flex flex-col gap-1">
            <div className="flex items-baseline gap-2">
              <label htmlFor={id} className="text-sm font-medium">
                {prop.title ?? name}
              </label>
              {required.has(name) && !partial ? (
                <span className="text-xs text-red-600">required</span>
              ) : null}
              <span className="font-mono text-xs text-zinc-500">{typeLabel}</span>
            </div>
            {kind === "boolean" ? (
              <input
                id={id}
                type="checkbox"
                checked={texts[name] === "true"}
                onChange={(e) => set(e.target.checked ? "true" : "false")}
                className="size-4 self-start"
              />
            ) : kind === "enum" ? (
              <select
                id={id}
                className={inputClass}
                value={texts[name]}
                onChange={(e) => set(e.target.value)}
              >
                <option value="">—</option>
                {prop.enum!.map((v) => (
                  <option key={JSON.stringify(v)} value={JSON.stringify(v)}>
                    {typeof v === "string" ? v : JSON.stringify(v)}
                  </option>
                ))}
              </select>
            ) : kind === "json" ? (
              <textarea
                id={id}
                rows={3}
                className={`${inputClass} font-mono`}
                value={texts[name]}
                onChange={(e) => set(e.target.value)}
                placeholder="JSON"
              />
            ) : (
              <input
                id={id}
                type="text"
                inputMode={kind === "number" ? "decimal" : undefined}
                className={inputClass}
                value={texts[name]}
                onChange={(e) => set(e.target.value)}
              />
            )}
            {prop.description ? <p className="text-xs text-zinc-500">{prop.description}</p> : null}
            {fieldIssues.map((i) => (
              <p key={i.message} role="alert" className="text-xs text-red-600">
                {i.message}
              </p>
            ))}
          </div>
        );
      })}
      {formIssues.length ? <Alert>{formIssues.map((i) => i.message).join("; ")}</Alert> : null}
      {serverError ? <Alert>{serverError}</Alert> : null}
      {onSubmit && submitLabel ? (
        <div className="flex justify-end">
          <button type="submit" disabled={busy} className={buttonClass("primary")}>
            {submitLabel}
          </button>
        </div>
      ) : null}
    </form>
  );
}
