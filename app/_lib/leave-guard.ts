"use client";
// Links inside the studio are client-side navigations, which `beforeunload` does not see. A page
// with something to lose (the flow editor with unsaved changes) registers what to ask; the
// studio's own links ask it before they navigate.
let warning: string | null = null;

/** Registers the question to ask before leaving; returns the function that withdraws it. */
export function warnBeforeLeaving(message: string): () => void {
  warning = message;
  return () => {
    if (warning === message) warning = null;
  };
}

/** Whether to go on with a navigation: asks when a page registered a warning. */
export function confirmLeaving(): boolean {
  return warning === null || window.confirm(warning);
}
