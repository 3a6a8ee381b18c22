/**
 * DOM helpers for the widget tests: rendering into a React root, finding
 * controls by label or text, typing into them and letting React settle.
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

/** Set the value of an input, textarea or select the way React notices. */
export function setValue(
  element: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  value: string
): void {
  const proto = Object.getPrototypeOf(element);
  Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(element, value);
  element.dispatchEvent(
    new Event(element instanceof HTMLSelectElement ? 'change' : 'input', {
      bubbles: true
    })
  );
}

/** The element labelled `label` (by aria-label or a wrapping <label>). */
export function byLabel<T extends HTMLElement>(
  root: ParentNode,
  label: string
): T {
  const aria = root.querySelector<T>(`[aria-label="${label}"]`);
  if (aria) {
    return aria;
  }
  for (const node of Array.from(root.querySelectorAll('label'))) {
    if (node.querySelector('span')?.textContent === label) {
      return node.querySelector<T>('input, select, textarea')!;
    }
  }
  throw new Error(`No element labelled ${label}`);
}

/** The button whose text is `text`, or null. */
export function queryButton(
  root: ParentNode,
  text: string
): HTMLButtonElement | null {
  return (
    Array.from(root.querySelectorAll('button')).find(
      b => b.textContent === text
    ) ?? null
  );
}

/** The button whose text is `text`; throws when there is none. */
export function buttonByText(
  root: ParentNode,
  text: string
): HTMLButtonElement {
  const button = queryButton(root, text);
  if (!button) {
    throw new Error(`No button ${text}`);
  }
  return button;
}

/** The open dialog named `title`, or null. */
export function dialogNamed(title: string): HTMLElement | null {
  for (const node of Array.from(
    document.querySelectorAll<HTMLElement>('[role="dialog"]')
  )) {
    const id = node.getAttribute('aria-labelledby');
    if (id && document.getElementById(id)?.textContent === title) {
      return node;
    }
  }
  return null;
}

/** Let pending promises and React updates settle. */
export async function flush(): Promise<void> {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 0));
  });
}

/** Click an element, then let the effects settle. */
export async function click(element: HTMLElement): Promise<void> {
  await act(async () => {
    element.click();
  });
  await flush();
}

/** A React root rendering into a container attached to the document. */
export class TestRoot {
  constructor() {
    document.body.appendChild(this.container);
    this._root = createRoot(this.container);
  }

  /** The container the root renders into. */
  readonly container = document.createElement('div');

  /** Render an element and let React settle. */
  async render(element: React.ReactElement): Promise<void> {
    await act(async () => {
      this._root.render(element);
    });
  }

  /** Unmount and detach the container. */
  dispose(): void {
    act(() => this._root.unmount());
    this.container.remove();
  }

  private _root: Root;
}

/** Render a view given its dialog and a callback opening another. */
export type ViewRenderer<TDialog> = (
  dialog: TDialog | null,
  onDialog: (dialog: TDialog | null) => void
) => React.ReactElement;

/**
 * A view that opens dialogs through `onDialog`, rendered with the dialog it
 * shows: the dialog is kept and the view rendered again, as
 * `DialogHostWidget` does.
 */
export class MountedView<TDialog> extends TestRoot {
  constructor(view: ViewRenderer<TDialog>) {
    super();
    this._view = view;
  }

  /** The open dialog. */
  dialog: TDialog | null = null;

  /** Render the view again (e.g. after its model changed). */
  update(): Promise<void> {
    return this.render(
      this._view(this.dialog, next => {
        this.dialog = next;
        void this.update();
      })
    );
  }

  private _view: ViewRenderer<TDialog>;
}

/** Mount a view and render it once. */
export async function mountView<TDialog>(
  view: ViewRenderer<TDialog>
): Promise<MountedView<TDialog>> {
  const mounted = new MountedView(view);
  await mounted.update();
  return mounted;
}
