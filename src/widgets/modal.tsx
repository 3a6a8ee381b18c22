/**
 * An accessible modal dialog rendered into `document.body`.
 *
 * It has `role="dialog"`, `aria-modal` and is labelled by its title; Escape
 * and the backdrop close it, focus moves into it when it opens and back to
 * where it was when it closes, and Tab stays inside it.
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import { createPortal } from 'react-dom';

import { BACKDROP_CLASS, DIALOG_CLASS, DIALOG_TITLE_CLASS } from './classes';

let nextId = 0;

/** The properties of a modal. */
export interface IModalProps {
  /** The dialog title, also its accessible name. */
  title: string;
  /** Called when the user dismisses the dialog (Escape, backdrop). */
  onClose: () => void;
  children?: React.ReactNode;
}

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** A modal dialog. */
export function Modal(props: IModalProps): JSX.Element {
  const { title, onClose, children } = props;
  const [titleId] = React.useState(() => `jp-MlopsStudio-dialog-${++nextId}`);
  const dialogRef = React.useRef<HTMLDivElement>(null);

  React.useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const node = dialogRef.current;
    const first =
      node?.querySelector<HTMLElement>('[data-autofocus]') ??
      node?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? node)?.focus();
    return () => {
      previous?.focus?.();
    };
  }, []);

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key === 'Tab' && dialogRef.current) {
      const focusable = Array.from(
        dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)
      );
      if (focusable.length === 0) {
        return;
      }
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  };

  return createPortal(
    <div
      className={BACKDROP_CLASS}
      data-lm-suppress-shortcuts="true"
      onMouseDown={event => {
        if (event.target === event.currentTarget) {
          onClose();
        }
      }}
    >
      <div
        className={DIALOG_CLASS}
        ref={dialogRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className={DIALOG_TITLE_CLASS}>
          {title}
        </h2>
        {children}
      </div>
    </div>,
    document.body
  );
}

/**
 * Show a dialog outside any panel (e.g. from a command); resolves when it
 * closes. `render` receives the function closing it.
 */
export function showModal(
  render: (onClose: () => void) => React.ReactElement
): Promise<void> {
  return new Promise(resolve => {
    // The modal renders into `document.body`; its host widget only holds React.
    const host = ReactWidget.create(
      render(() => {
        host.dispose();
        resolve();
      })
    );
    Widget.attach(host, document.body);
  });
}
