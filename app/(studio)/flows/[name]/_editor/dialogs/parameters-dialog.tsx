"use client";
// The flow's parameter schema: fields edited in a table (name, type, default, required,
// description) or the JSON Schema itself, and a preview of the form it generates. Applied to the
// draft only when valid, with every problem named.
import { useState } from "react";
import { Alert, buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { ParameterForm } from "@/app/_components/parameter-form";
import { ParameterSchemaSchema, type ParameterSchema } from "@/contract/flow-file/schema";
import { checkParameterSchema } from "@/contract/parameters";
import {
  fieldsOf,
  schemaOf,
  type FieldType,
  type ParameterField,
  FIELD_TYPES,
} from "./parameter-fields";

export function ParametersDialog(props: {
  open: boolean;
  schema: ParameterSchema;
  onClose: () => void;
  onApply: (schema: ParameterSchema) => void;
}) {
  return (
    <Dialog open={props.open} title="Parameters" onClose={props.onClose} wide>
      {props.open ? <SchemaEditor {...props} /> : null}
    </Dialog>
  );
}

function SchemaEditor({
  schema,
  onApply,
}: {
  schema: ParameterSchema;
  onApply: (schema: ParameterSchema) => void;
}) {
  const [view, setView] = useState<"fields" | "json">("fields");
  const [fields, setFields] = useState<ParameterField[]>(() => fieldsOf(schema));
  const [json, setJson] = useState(() => JSON.stringify(schema, null, 2));
  const [problems, setProblems] = useState<string[]>([]);

  /** The schema the current view describes, or the problems that stop it. */
  function current(): { schema?: ParameterSchema; problems: string[] } {
    if (view === "fields") return schemaOf(fields);
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (e) {
      return { problems: [`the JSON does not parse: ${(e as Error).message}`] };
    }
    const parsed = ParameterSchemaSchema.safeParse(raw);
    if (!parsed.success)
      return {
        problems: parsed.error.issues.map((i) => `${i.path.join(".") || "schema"}: ${i.message}`),
      };
    return { schema: parsed.data, problems: [] };
  }

  const switchTo = (next: "fields" | "json") => {
    const result = current();
    if (!result.schema) return setProblems(result.problems);
    setProblems([]);
    if (next === "json") setJson(JSON.stringify(result.schema, null, 2));
    else setFields(fieldsOf(result.schema));
    setView(next);
  };

  const apply = () => {
    const result = current();
    const issues = result.schema ? checkParameterSchema(result.schema).map((i) => i.message) : [];
    const all = [...result.problems, ...issues];
    setProblems(all);
    if (result.schema && all.length === 0) onApply(result.schema);
  };

  const preview = current().schema;
  const update = (i: number, patch: Partial<ParameterField>) =>
    setFields((f) => f.map((field, j) => (j === i ? { ...field, ...patch } : field)));

  return (
    <div className="grid grid-cols-[minmax(0,3fr)_minmax(0,2fr)] gap-6">
      <div className="flex flex-col gap-3">
        <div role="tablist" className="flex gap-1 text-sm">
          {(["fields", "json"] as const).map((v) => (
            <button
              key={v}
              role="tab"
              type="button"
              aria-selected={view === v}
              onClick={() => switchTo(v)}
              className={`rounded px-2 py-1 ${view === v ? "bg-zinc-200 font-medium dark:bg-zinc-800" : "text-zinc-500"}`}
            >
              {v === "fields" ? "Fields" : "JSON Schema"}
            </button>
          ))}
        </div>
        {view === "fields" ? (
          <table className="w-full text-left text-sm" aria-label="Parameter fields">
            <thead className="text-xs text-zinc-500">
              <tr>
                <th className="font-medium">Name</th>
                <th className="font-medium">Type</th>
                <th className="font-medium">Default</th>
                <th className="font-medium">Required</th>
                <th className="font-medium">Description</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {fields.map((f, i) => (
                <tr key={i}>
                  <td className="pr-1 py-1">
                    <input
                      aria-label="Field name"
                      className={`${inputClass} font-mono`}
                      value={f.name}
                      onChange={(e) => update(i, { name: e.target.value })}
                    />
                  </td>
                  <td className="pr-1 py-1">
                    <select
                      aria-label="Field type"
                      className={inputClass}
                      value={f.type}
                      onChange={(e) => update(i, { type: e.target.value as FieldType })}
                    >
                      {FIELD_TYPES.map((t) => (
                        <option key={t} value={t}>
                          {t}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="pr-1 py-1">
                    <input
                      aria-label="Default value"
                      className={`${inputClass} font-mono`}
                      value={f.defaultText}
                      onChange={(e) => update(i, { defaultText: e.target.value })}
                      placeholder="none"
                    />
                  </td>
                  <td className="px-2 py-1 text-center">
                    <input
                      aria-label="Required"
                      type="checkbox"
                      checked={f.required}
                      onChange={(e) => update(i, { required: e.target.checked })}
                    />
                  </td>
                  <td className="pr-1 py-1">
                    <input
                      aria-label="Description"
                      className={inputClass}
                      value={f.description}
                      onChange={(e) => update(i, { description: e.target.value })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Remove field ${f.name}`}
                      className="px-2 text-zinc-500 hover:text-red-600"
                      onClick={() => setFields((all) => all.filter((_, j) => j !== i))}
                    >
                      ×
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <textarea
            aria-label="JSON Schema"
            className={`${inputClass} h-72 font-mono text-xs`}
            value={json}
            onChange={(e) => setJson(e.target.value)}
            spellCheck={false}
          />
        )}
        {view === "fields" ? (
          <button
            type="button"
            className={`${buttonClass()} self-start`}
            onClick={() =>
              setFields((f) => [
                ...f,
                {
                  name: `param_${f.length + 1}`,
                  type: "string",
                  defaultText: "",
                  required: false,
                  description: "",
                  extra: {},
                },
              ])
            }
          >
            Add field
          </button>
        ) : null}
        {problems.length ? <Alert>{problems.join("; ")}</Alert> : null}
        <div className="flex justify-end">
          <button type="button" className={buttonClass("primary")} onClick={apply}>
            Apply
          </button>
        </div>
      </div>
      <div className="flex flex-col gap-2 border-l border-zinc-200 pl-6 dark:border-zinc-800">
        <h3 className="text-sm font-semibold">The form it generates</h3>
        {preview ? (
          <ParameterForm key={JSON.stringify(preview)} schema={preview} />
        ) : (
          <p className="text-sm text-zinc-500">Fix the problems to see the form.</p>
        )}
      </div>
    </div>
  );
}
