// Copying a line the studio shows (an agent's start command, a webhook's URL). The clipboard API
// exists only in secure contexts (https, or this machine): a studio opened over plain http from
// another machine selects the element's text and asks the browser to copy it instead.

/** Copies `text` (or selects `element`'s text and copies that); true when it was copied. */
export async function copyText(text: string, element: HTMLElement | null): Promise<boolean> {
  if (navigator.clipboard) {
    await navigator.clipboard.writeText(text);
    return true;
  }
  const range = document.createRange();
  if (element) range.selectNodeContents(element);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
  return document.execCommand("copy");
}
