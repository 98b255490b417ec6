"use client";
// The flow's dependencies: pip requirements for its Python tasks and npm packages for its
// TypeScript tasks, one per line, checked with the flow file's own rules before they reach the
// draft. Agents build each set once per machine and record the versions they resolved (the lock).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import { Alert, buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { validateDependencies, type Dependencies } from "@/contract/flow-file/dependencies";
import { dependenciesOf, packagesText, requirementsText } from "./dependency-fields";

export function DependenciesDialog(props: {
  open: boolean;
  flow: string;
  /** The saved version whose locks are shown. */
  version: number;
  dependencies: Dependencies;
  onClose: () => void;
  onApply: (dependencies: Dependencies) => void;
}) {
  return (
    <Dialog open={props.open} title="Dependencies" onClose={props.onClose} wide>
      {props.open ? <DependencyFields {...props} /> : null}
      {props.open ? <Locks flow={props.flow} version={props.version} /> : null}
    </Dialog>
  );
}

function DependencyFields({
  dependencies,
  onApply,
}: {
  dependencies: Dependencies;
  onApply: (dependencies: Dependencies) => void;
}) {
  const [requirements, setRequirements] = useState(() => requirementsText(dependencies));
  const [packages, setPackages] = useState(() => packagesText(dependencies));
  const [problems, setProblems] = useState<string[]>([]);

  const apply = () => {
    const { deps, problems: shape } = dependenciesOf(requirements, packages);
    const all = [...shape, ...validateDependencies(deps, []).map((i) => i.message)];
    setProblems(all);
    if (all.length === 0) onApply(deps);
  };

  const area = `${inputClass} h-40 font-mono`;
  return (
    <div className="flex flex-col gap-3 text-sm">
      <p className="text-zinc-600 dark:text-zinc-400">
        Packages every task of this flow gets (a task&apos;s own <code>python</code> or{" "}
        <code>typescript</code> setting in the flow file replaces them). Agents install each set
        once per machine and record the exact versions with the saved version.
      </p>
      <div className="grid grid-cols-2 gap-4">
        <label className="flex flex-col gap-1">
          <span className="font-medium">Python requirements (one per line)</span>
          <textarea
            className={area}
            value={requirements}
            placeholder={"pandas==2.2.3\nrequests>=2.31,<3"}
            spellCheck={false}
            onChange={(e) => setRequirements(e.target.value)}
          />
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">npm packages (name@version per line)</span>
          <textarea
            className={area}
            value={packages}
            placeholder={"zod@4.1.0\nis-number@^7.0.0"}
            spellCheck={false}
            onChange={(e) => setPackages(e.target.value)}
          />
        </label>
      </div>
      {problems.length ? <Alert>{problems.join("; ")}</Alert> : null}
      <div className="flex justify-end">
        <button type="button" className={buttonClass("primary")} onClick={apply}>
          Apply
        </button>
      </div>
    </div>
  );
}

/** What agents resolved for the saved version: the exact versions every later run installs. */
function Locks({ flow, version }: { flow: string; version: number }) {
  const trpc = useTRPC();
  const locks = useQuery(trpc.flows.locks.queryOptions({ name: flow, version }));
  const sets = locks.data ?? [];
  if (!sets.length) return null;
  const listed = (value: string[] | Record<string, string>) =>
    Array.isArray(value)
      ? value
      : Object.entries(value).map(([at, v]) => `${at.replace(/^(.*\/)?node_modules\//, "")}@${v}`);
  return (
    <section className="mt-4 border-t border-zinc-200 pt-3 text-sm dark:border-zinc-800">
      <h3 className="font-medium">Locked versions of v{version}</h3>
      <ul className="mt-1 flex flex-col gap-1" aria-label="Locked versions">
        {sets.map((set) => (
          <li key={set.specHash}>
            <span className="text-zinc-500">{set.language}: </span>
            {set.resolved ? (
              <code className="break-all">{listed(set.resolved).join(" ")}</code>
            ) : (
              <span className="text-zinc-500">not built yet (the first run resolves it)</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
