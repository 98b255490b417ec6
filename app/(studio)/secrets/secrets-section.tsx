"use client";
// Secrets: listed by name with who changed them when. A value can be set or replaced, never
// read back — the page has no way to show one, and no procedure would return it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus } from "lucide-react";
import { useState } from "react";
import { buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { SecretValueSchema, type SecretView } from "@/contract/api-v1";
import { SecretNameSchema } from "@/contract/secrets";
import { FormActions, firstProblem, RowActions, Section } from "@/app/_components/settings-list";

export function SecretsSection() {
  const trpc = useTRPC();
  const secrets = useQuery(trpc.secrets.list.queryOptions());
  const [editing, setEditing] = useState<{ name?: string } | null>(null);
  return (
    <Section
      title="Secrets"
      intro={
        <>
          Encrypted at rest and write-only: once set, a value is never shown again. A task reads the
          secrets it declares (<code className="font-mono">secrets: [NAME]</code>) with{" "}
          <code className="font-mono">get_secret(&quot;NAME&quot;)</code>,{" "}
          <code className="font-mono">secret(&quot;NAME&quot;)</code> or{" "}
          <code className="font-mono">$NAME</code>; their values are masked as *** in logs and
          results.
        </>
      }
      action={
        <button type="button" className={buttonClass("primary")} onClick={() => setEditing({})}>
          <Plus className="size-4" aria-hidden /> New secret
        </button>
      }
    >
      <QueryView
        query={secrets}
        what="secrets"
        empty={{
          title: "No secrets yet",
          hint: (
            <>
              Add one here, or with{" "}
              <code className="font-mono">pipebook secret set NAME &lt; value.txt</code>.
            </>
          ),
        }}
      >
        {(items) => (
          <DataTable label="Secrets" columns={["Name", "Value", "Updated", "By", ""]}>
            {items.map((secret) => (
              <SecretRow
                key={secret.name}
                secret={secret}
                onReplace={() => setEditing({ name: secret.name })}
              />
            ))}
          </DataTable>
        )}
      </QueryView>
      <SetSecretDialog
        open={editing !== null}
        name={editing?.name}
        onClose={() => setEditing(null)}
      />
    </Section>
  );
}

function SecretRow({ secret, onReplace }: { secret: SecretView; onReplace: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.secrets.remove.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.secrets.pathKey() }),
    }),
  );
  return (
    <tr data-secret={secret.name}>
      <td className="py-2.5 font-mono font-medium">{secret.name}</td>
      <td className="py-2.5 text-zinc-500" aria-label="value hidden">
        ••••••••
      </td>
      <td className="py-2.5 text-zinc-600 dark:text-zinc-400">{formatTime(secret.updatedAt)}</td>
      <td className="py-2.5 text-zinc-600 dark:text-zinc-400">{secret.updatedBy ?? "—"}</td>
      <td className="py-2.5">
        <RowActions
          remove={{
            label: `Delete secret ${secret.name}`,
            text: "Delete",
            confirm: `Delete secret ${secret.name}? Tasks that declare it will fail until it is set again.`,
            pending: remove.isPending,
            error: remove.error,
            onConfirmed: () => remove.mutate({ name: secret.name }),
          }}
        >
          <button type="button" className={buttonClass()} onClick={onReplace}>
            <KeyRound className="size-4" aria-hidden /> Replace value
          </button>
        </RowActions>
      </td>
    </tr>
  );
}

function SetSecretDialog({
  open,
  name,
  onClose,
}: {
  open: boolean;
  /** Set when replacing the value of an existing secret. */
  name?: string;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={open}
      title={name ? `Replace the value of ${name}` : "New secret"}
      onClose={onClose}
    >
      {/* Remounted per opening: a typed value never outlives its dialog. */}
      {open ? <SetSecretForm key={name ?? ""} name={name} onDone={onClose} /> : null}
    </Dialog>
  );
}

function SetSecretForm({ name, onDone }: { name?: string; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const set = useMutation(
    trpc.secrets.set.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.secrets.pathKey() });
        onDone();
      },
    }),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const error = problem ?? set.error?.message;
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const input = {
          name: name ?? String(form.get("name") ?? "").trim(),
          value: String(form.get("value") ?? ""),
        };
        // The contract's own rules, said here before the value travels.
        const wrong =
          firstProblem(SecretNameSchema, input.name) ??
          firstProblem(SecretValueSchema, input.value);
        setProblem(wrong);
        if (!wrong) set.mutate(input);
      }}
    >
      {name ? null : (
        <label className="flex flex-col gap-1 text-sm">
          Name
          <input
            name="name"
            required
            autoFocus
            className={`${inputClass} font-mono`}
            placeholder="GITHUB_TOKEN"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
      )}
      <label className="flex flex-col gap-1 text-sm">
        Value
        <textarea
          name="value"
          required
          autoFocus={!!name}
          rows={4}
          className={`${inputClass} font-mono`}
          autoComplete="off"
          spellCheck={false}
        />
        <span className="text-xs text-zinc-500">
          Stored encrypted; it will not be shown again. Several lines are kept as they are.
        </span>
      </label>
      <FormActions
        error={error}
        onCancel={onDone}
        pending={set.isPending}
        submit={name ? "Replace" : "Save secret"}
      />
    </form>
  );
}
