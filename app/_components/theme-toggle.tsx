"use client";
// One button that cycles the theme: system → light → dark → system.
import { Monitor, Moon, Sun } from "lucide-react";
import { setTheme, useTheme, type Theme } from "@/app/_lib/theme";

const NEXT: Record<Theme, Theme> = { system: "light", light: "dark", dark: "system" };
const ICON = { system: Monitor, light: Sun, dark: Moon } as const;
const LABEL: Record<Theme, string> = {
  system: "Theme: system",
  light: "Theme: light",
  dark: "Theme: dark",
};

export function ThemeToggle() {
  const theme = useTheme();
  const Icon = ICON[theme];
  return (
    <button
      type="button"
      onClick={() => setTheme(NEXT[theme])}
      aria-label={LABEL[theme]}
      title={`${LABEL[theme]} (click for ${NEXT[theme]})`}
      className="rounded p-1 hover:bg-zinc-200 dark:hover:bg-zinc-800"
    >
      <Icon className="size-4" aria-hidden />
    </button>
  );
}
