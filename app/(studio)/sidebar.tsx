"use client";
import {
  Bell,
  Database,
  Boxes,
  History,
  House,
  KeyRound,
  ListOrdered,
  LogOut,
  Play,
  Rocket,
  ScrollText,
  Server,
  Settings,
  Users,
  Workflow,
} from "lucide-react";
import { usePathname } from "next/navigation";
import { StudioLink } from "@/app/_components/studio-link";
import { ThemeToggle } from "@/app/_components/theme-toggle";
import { confirmLeaving } from "@/app/_lib/leave-guard";
import { useViewer } from "@/app/_lib/viewer";
import { hasPermission, type Permission } from "@/contract/roles";

const LINKS = [
  { href: "/", label: "Home", icon: House },
  { href: "/flows", label: "Flows", icon: Workflow },
  { href: "/deployments", label: "Deployments", icon: Rocket },
  { href: "/runs", label: "Runs", icon: Play },
  { href: "/backfills", label: "Backfills", icon: History },
  { href: "/work-queues", label: "Work queues", icon: ListOrdered },
  { href: "/agents", label: "Agents", icon: Server },
  { href: "/keys", label: "API keys", icon: KeyRound },
  { href: "/secrets", label: "Secrets & variables", icon: KeyRound },
  { href: "/storage", label: "Storage", icon: Database },
  { href: "/notifications", label: "Notifications", icon: Bell },
  { href: "/users", label: "Users", icon: Users, permission: "admin" },
  { href: "/audit", label: "Audit log", icon: ScrollText, permission: "admin" },
  { href: "/settings", label: "Settings", icon: Settings },
] as const satisfies readonly {
  href: string;
  label: string;
  icon: unknown;
  permission?: Permission;
}[];

export function Sidebar({ userName }: { userName: string }) {
  const pathname = usePathname();
  // Pages a role may not use are not offered (their procedures refuse it anyway).
  const { role } = useViewer();
  const links = LINKS.filter(
    (link) => !("permission" in link) || hasPermission(role, link.permission),
  );
  async function signOut() {
    if (!confirmLeaving()) return;
    await fetch("/api/auth/session", { method: "DELETE" });
    // A full load, not a client navigation: it drops every cached query of the signed-in user,
    // and Next's router cannot bring back the sign-in page as it first loaded. It did: a client
    // navigation to /login restored the page of an earlier sign-in from the router's cache.
    window.location.replace("/login");
  }
  return (
    <nav
      aria-label="Main"
      className="flex w-56 shrink-0 flex-col border-r border-zinc-200 bg-zinc-50 px-3 py-4 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <StudioLink href="/flows" className="mb-6 flex items-center gap-2 px-2 text-lg font-semibold">
        <Boxes className="size-5 text-indigo-600" aria-hidden />
        Pipebook
      </StudioLink>
      <ul className="flex flex-col gap-1">
        {links.map(({ href, label, icon: Icon }) => {
          const active = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <li key={href}>
              <StudioLink
                href={href}
                aria-current={active ? "page" : undefined}
                className={`flex items-center gap-2 rounded-md px-2 py-1.5 text-sm ${
                  active
                    ? "bg-white font-medium shadow-sm dark:bg-zinc-800"
                    : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"
                }`}
              >
                <Icon className="size-4" aria-hidden />
                {label}
              </StudioLink>
            </li>
          );
        })}
      </ul>
      <div className="mt-auto flex items-center gap-1 px-2 text-sm text-zinc-500">
        <StudioLink
          href="/account"
          title="Your account: password, sessions"
          className="truncate rounded px-1 hover:bg-zinc-200 dark:hover:bg-zinc-800"
        >
          {userName}
        </StudioLink>
        <span className="ml-auto" />
        <ThemeToggle />
        <button
          type="button"
          onClick={signOut}
          className="rounded p-1 hover:bg-zinc-200 dark:hover:bg-zinc-800"
          aria-label="Sign out"
          title="Sign out"
        >
          <LogOut className="size-4" aria-hidden />
        </button>
      </div>
    </nav>
  );
}
