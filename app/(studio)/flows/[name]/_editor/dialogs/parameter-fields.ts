// The parameter schema as rows of a table (one per top-level field) and back. Whatever a row
// cannot show (enum, minimum, nested items…) rides along untouched in `extra`.
import type { ParameterSchema } from "@/contract/flow-file/schema";

export const FIELD_TYPES = ["string", "number", "integer", "boolean", "array", "object"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export type ParameterField = {
  name: string;
  type: FieldType;
  /** The default as typed: text for strings, JSON for the rest; empty for none. */
  defaultText: string;
  required: boolean;
  description: string;
  extra: Omit<ParameterSchema, "type" | "default" | "description">;
};

export function fieldsOf(schema: ParameterSchema): ParameterField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, prop]) => {
    const { type, default: def, description, ...extra } = prop;
    const fieldType = (Array.isArray(type) ? type[0] : type) ?? "string";
    return {
      name,
      type: (FIELD_TYPES as readonly string[]).includes(fieldType)
        ? (fieldType as FieldType)
        : "string",
      defaultText:
        def === undefined
          ? ""
          : fieldType === "string" && typeof def === "string"
            ? def
            : JSON.stringify(def),
      required: required.has(name),
      description: description ?? "",
      extra,
    };
  });
}

export function schemaOf(fields: readonly ParameterField[]): {
  schema?: ParameterSchema;
  problems: string[];
} {
  const problems: string[] = [];
  const properties: Record<string, ParameterSchema> = {};
  for (const f of fields) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name)) {
      problems.push(
        `"${f.name}" is not a usable parameter name: letters, digits and _, not starting with a digit`,
      );
      continue;
    }
    if (properties[f.name]) problems.push(`two fields are named ${f.name}`);
    const prop: ParameterSchema = { ...f.extra, type: f.type };
    if (f.description) prop.description = f.description;
    if (f.defaultText !== "") {
      if (f.type === "string") prop.default = f.defaultText;
      else {
        try {
          prop.default = JSON.parse(f.defaultText);
        } catch {
          problems.push(`the default of ${f.name} is not valid JSON (write 3, true, ["a"]…)`);
        }
      }
    }
    properties[f.name] = prop;
  }
  const required = fields.filter((f) => f.required).map((f) => f.name);
  if (problems.length) return { problems };
  return {
    schema: { type: "object", properties, ...(required.length ? { required } : {}) },
    problems,
  };
}
