"use client";
// Variables: plain named values with every earlier version kept. Values are shown, edited as text
// or as JSON, and each one's history lists who set what when.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { History, Pencil, Plus } from "lucide-react";
import { useState } from "react";
import { Alert, buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { VariableValueSchema, type VariableView } from "@/contract/api-v1";
import { VariableNameSchema } from "@/contract/secrets";
import { FormActions, firstProblem, RowActions, Section } from "@/app/_components/settings-list";

/** A variable as the studio receives it (a value of unknown type arrives as an optional field). */
type Variable = Omit<VariableView, "value"> & { value?: unknown };

/** How a value reads in the list and the history: strings as they are, the rest as JSON. */
function showValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function VariablesSection() {
  const trpc = useTRPC();
  const variables = useQuery(trpc.variables.list.queryOptions());
  const [editing, setEditing] = useState<Variable | "new" | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  return (
    <Section
      title="Variables"
      intro={
        <>
          Plain values (text or JSON), every version kept. A task reads the variables it declares (
          <code className="font-mono">variables: [NAME]</code>) with{" "}
          <code className="font-mono">get_variable(&quot;NAME&quot;)</code>,{" "}
          <code className="font-mono">variable(&quot;NAME&quot;)</code> or{" "}
          <code className="font-mono">$NAME</code>.
        </>
      }
      action={
        <button type="button" className={buttonClass("primary")} onClick={() => setEditing("new")}>
          <Plus className="size-4" aria-hidden /> New variable
        </button>
      }
    >
      <QueryView
        query={variables}
        what="variables"
        empty={{
          title: "No variables yet",
          hint: (
            <>
              Add one here, or with <code className="font-mono">pipebook var set NAME VALUE</code>.
            </>
          ),
        }}
      >
        {(items) => (
          <DataTable label="Variables" columns={["Name", "Value", "Version", "Updated", "By", ""]}>
            {items.map((variable) => (
              <VariableRow
                key={variable.name}
                variable={variable}
                onEdit={() => setEditing(variable)}
                onHistory={() => setHistory(variable.name)}
              />
            ))}
          </DataTable>
        )}
      </QueryView>
      <Dialog
        open={editing !== null}
        title={editing === "new" || !editing ? "New variable" : `Edit ${editing.name}`}
        onClose={() => setEditing(null)}
      >
        {editing ? (
          <SetVariableForm
            key={editing === "new" ? "" : editing.name}
            variable={editing === "new" ? undefined : editing}
            onDone={() => setEditing(null)}
          />
        ) : null}
      </Dialog>
      <Dialog
        open={history !== null}
        title={`History of ${history ?? ""}`}
        onClose={() => setHistory(null)}
        wide
      >
        {history ? <VariableHistoryList name={history} /> : null}
      </Dialog>
    </Section>
  );
}

function VariableRow({
  variable,
  onEdit,
  onHistory,
}: {
  variable: Variable;
  onEdit: () => void;
  onHistory: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.variables.remove.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.variables.pathKey() }),
    }),
  );
  return (
    <tr data-variable={variable.name} className="align-top">
      <td className="py-2.5 font-mono font-medium">{variable.name}</td>
      <td className="max-w-md py-2.5">
        <span className="line-clamp-2 font-mono break-all" data-testid="variable-value">
          {showValue(variable.value)}
        </span>
      </td>
      <td className="py-2.5 tabular-nums">{variable.version}</td>
      <td className="py-2.5 text-zinc-600 dark:text-zinc-400">{formatTime(variable.updatedAt)}</td>
      <td className="py-2.5 text-zinc-600 dark:text-zinc-400">{variable.updatedBy ?? "—"}</td>
      <td className="py-2.5">
        <RowActions
          remove={{
            label: `Delete variable ${variable.name}`,
            text: "Delete",
            confirm: `Delete variable ${variable.name} and its history?`,
            pending: remove.isPending,
            error: remove.error,
            onConfirmed: () => remove.mutate({ name: variable.name }),
          }}
        >
          <button type="button" className={buttonClass()} onClick={onEdit}>
            <Pencil className="size-4" aria-hidden /> Edit
          </button>
          <button type="button" className={buttonClass()} onClick={onHistory}>
            <History className="size-4" aria-hidden /> History
          </button>
        </RowActions>
      </td>
    </tr>
  );
}

function SetVariableForm({ variable, onDone }: { variable?: Variable; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const set = useMutation(
    trpc.variables.set.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.variables.pathKey() });
        onDone();
      },
    }),
  );
  const initial = variable?.value;
  const [kind, setKind] = useState<"text" | "json">(
    initial === undefined || typeof initial === "string" ? "text" : "json",
  );
  const [problem, setProblem] = useState<string | null>(null);
  const error = problem ?? set.error?.message;
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const name = variable?.name ?? String(form.get("name") ?? "").trim();
        const text = String(form.get("value") ?? "");
        let value: unknown = text;
        if (kind === "json") {
          try {
            value = JSON.parse(text);
          } catch (parseError) {
            setProblem(`the value is not valid JSON: ${(parseError as Error).message}`);
            return;
          }
        }
        const wrong =
          firstProblem(VariableNameSchema, name) ?? firstProblem(VariableValueSchema, value);
        setProblem(wrong);
        if (!wrong) set.mutate({ name, value });
      }}
    >
      {variable ? null : (
        <label className="flex flex-col gap-1 text-sm">
          Name
          <input
            name="name"
            required
            autoFocus
            className={`${inputClass} font-mono`}
            placeholder="REGION"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
      )}
      <fieldset className="flex gap-4 text-sm">
        <legend className="sr-only">Kind of value</legend>
        <label className="flex items-center gap-1">
          <input
            type="radio"
            name="kind"
            checked={kind === "text"}
            onChange={() => setKind("text")}
          />
          Text
        </label>
        <label className="flex items-center gap-1">
          <input
            type="radio"
            name="kind"
            checked={kind === "json"}
            onChange={() => setKind("json")}
          />
          JSON
        </label>
      </fieldset>
      <label className="flex flex-col gap-1 text-sm">
        Value
        <textarea
          name="value"
          rows={5}
          autoFocus={!!variable}
          className={`${inputClass} font-mono`}
          defaultValue={
            initial === undefined
              ? ""
              : typeof initial === "string"
                ? initial
                : JSON.stringify(initial, null, 2)
          }
          spellCheck={false}
        />
      </label>
      <FormActions error={error} onCancel={onDone} pending={set.isPending} submit="Save variable" />
    </form>
  );
}

function VariableHistoryList({ name }: { name: string }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.variables.history.queryOptions({ name }));
  if (history.isPending) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (history.isError) return <Alert>Could not load the history: {history.error.message}</Alert>;
  return (
    <table className="w-full text-left text-sm" aria-label={`Versions of ${name}`}>
      <thead className="text-xs uppercase text-zinc-500">
        <tr>
          <th className="py-2 font-medium">Version</th>
          <th className="py-2 font-medium">Value</th>
          <th className="py-2 font-medium">Set</th>
          <th className="py-2 font-medium">By</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {history.data.versions.map((v) => (
          <tr key={v.version} className="align-top">
            <td className="py-2 tabular-nums">{v.version}</td>
            <td className="py-2">
              <pre className="max-h-40 overflow-auto font-mono text-xs whitespace-pre-wrap break-all">
                {showValue(v.value)}
              </pre>
            </td>
            <td className="py-2 text-zinc-600 dark:text-zinc-400">{formatTime(v.createdAt)}</td>
            <td className="py-2 text-zinc-600 dark:text-zinc-400">{v.createdBy ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
