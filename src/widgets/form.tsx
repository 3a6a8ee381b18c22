/**
 * Form controls shared by the studio's panels and dialogs: labelled fields,
 * an inline error, dialog buttons, a hook running an action with a busy
 * state, and a modal form dialog built from them.
 */
import * as React from 'react';

import {
  BUTTON_CLASS,
  DANGER_BUTTON_CLASS,
  DIALOG_BUTTONS_CLASS,
  ERROR_CLASS,
  FIELD_CLASS,
  INPUT_CLASS,
  PRIMARY_BUTTON_CLASS
} from './classes';
import { Modal } from './modal';

/** The message of an error, for display. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An inline error message (`role="alert"`, with the server's reason as
 * `data-reason`), `null` without an error.
 */
export function ErrorMessage(props: { error: unknown }): JSX.Element | null {
  const { error } = props;
  if (error === null || error === undefined) {
    return null;
  }
  const reason = (error as { reason?: string | null }).reason;
  return (
    <p className={ERROR_CLASS} role="alert" data-reason={reason ?? undefined}>
      {messageOf(error)}
    </p>
  );
}

/** A label wrapping a control, its text above it. */
export function Field(props: {
  label: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <label className={FIELD_CLASS}>
      <span>{props.label}</span>
      {props.children}
    </label>
  );
}

/** The properties of a text input. */
export interface ITextInputProps {
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'search';
  name?: string;
  /** The accessible name, when no `<label>` wraps the input. */
  label?: string;
  placeholder?: string;
  required?: boolean;
  /** Whether the input takes the focus when its dialog opens. */
  initialFocus?: boolean;
}

/** A text input without autocompletion or spell checking (names, ids). */
export function TextInput(props: ITextInputProps): JSX.Element {
  return (
    <input
      className={INPUT_CLASS}
      type={props.type ?? 'text'}
      name={props.name}
      aria-label={props.label}
      placeholder={props.placeholder}
      value={props.value}
      required={props.required}
      autoComplete="off"
      spellCheck={false}
      data-autofocus={props.initialFocus || undefined}
      onChange={event => props.onChange(event.target.value)}
    />
  );
}

/** A labelled text input. */
export function TextField(
  props: Omit<ITextInputProps, 'label'> & { label: string }
): JSX.Element {
  const { label, ...input } = props;
  return (
    <Field label={label}>
      <TextInput {...input} />
    </Field>
  );
}

/** The properties of a labelled text area. */
export interface ITextAreaFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  name?: string;
  maxLength?: number;
  required?: boolean;
  initialFocus?: boolean;
}

/** A labelled text area of three rows. */
export function TextAreaField(props: ITextAreaFieldProps): JSX.Element {
  return (
    <Field label={props.label}>
      <textarea
        className={INPUT_CLASS}
        name={props.name}
        rows={3}
        maxLength={props.maxLength}
        value={props.value}
        required={props.required}
        data-autofocus={props.initialFocus || undefined}
        onChange={event => props.onChange(event.target.value)}
      />
    </Field>
  );
}

/** The properties of a select. */
export interface ISelectProps<T extends string> {
  value: T;
  /** The choices, each shown as its value. */
  options: ReadonlyArray<T>;
  onChange: (value: T) => void;
  name?: string;
  /** The accessible name, when no `<label>` wraps the select. */
  label?: string;
  disabled?: boolean;
}

/** A select of string values. */
export function Select<T extends string>(props: ISelectProps<T>): JSX.Element {
  return (
    <select
      className={INPUT_CLASS}
      name={props.name}
      aria-label={props.label}
      value={props.value}
      disabled={props.disabled}
      onChange={event => props.onChange(event.target.value as T)}
    >
      {props.options.map(option => (
        <option key={option} value={option}>
          {option}
        </option>
      ))}
    </select>
  );
}

/** A labelled select. */
export function SelectField<T extends string>(
  props: Omit<ISelectProps<T>, 'label'> & { label: string }
): JSX.Element {
  const { label, ...select } = props;
  return (
    <Field label={label}>
      <Select {...select} />
    </Field>
  );
}

/** The properties of the buttons of a dialog. */
export interface IDialogButtonsProps {
  onClose: () => void;
  /** The label of the button closing the dialog, `Cancel` by default. */
  closeLabel?: string;
  /** The submit button, if the dialog has one. */
  submit?: {
    label: string;
    disabled: boolean;
    /** Whether the action is destructive (a warning-coloured button). */
    danger?: boolean;
  };
}

/** The buttons ending a dialog: close (or cancel) and, optionally, submit. */
export function DialogButtons(props: IDialogButtonsProps): JSX.Element {
  const { onClose, closeLabel, submit } = props;
  return (
    <div className={DIALOG_BUTTONS_CLASS}>
      <button type="button" className={BUTTON_CLASS} onClick={onClose}>
        {closeLabel ?? 'Cancel'}
      </button>
      {submit && (
        <button
          type="submit"
          className={submit.danger ? DANGER_BUTTON_CLASS : PRIMARY_BUTTON_CLASS}
          disabled={submit.disabled}
        >
          {submit.label}
        </button>
      )}
    </div>
  );
}

/** The properties of an inline form. */
export interface IInlineFormProps {
  className?: string;
  /** The label of the submit button. */
  submitLabel: string;
  /** Whether the submit button is accent-coloured. */
  primary?: boolean;
  /** Whether submitting is disabled (while busy, or with nothing typed). */
  disabled: boolean;
  onSubmit: () => void;
  /** The controls, before the submit button. */
  children?: React.ReactNode;
}

/** A row of controls ending in a submit button, inside a panel or dialog. */
export function InlineForm(props: IInlineFormProps): JSX.Element {
  const { disabled, onSubmit } = props;
  return (
    <form
      className={props.className}
      onSubmit={event => {
        event.preventDefault();
        if (!disabled) {
          onSubmit();
        }
      }}
    >
      {props.children}
      <button
        type="submit"
        className={props.primary ? PRIMARY_BUTTON_CLASS : BUTTON_CLASS}
        disabled={disabled}
      >
        {props.submitLabel}
      </button>
    </form>
  );
}

/** What `useAction` returns. */
export interface IAction {
  /** Whether an action is running. */
  busy: boolean;
  /** The error of the last action, `null` after a success. */
  error: unknown;
  /** Show an error that did not come from `run`. */
  setError: (error: unknown) => void;
  /** Run an action; resolves `true` when it succeeded, `false` when it failed. */
  run: (action: () => Promise<unknown>) => Promise<boolean>;
}

/**
 * Run actions with a busy flag and keep the error of the last one; state is
 * not touched once the component is unmounted.
 */
export function useAction(): IAction {
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<unknown>(null);
  const mounted = React.useRef(true);
  React.useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = React.useCallback(
    async (action: () => Promise<unknown>): Promise<boolean> => {
      setBusy(true);
      setError(null);
      try {
        await action();
        return true;
      } catch (reason) {
        if (mounted.current) {
          setError(reason);
        }
        return false;
      } finally {
        if (mounted.current) {
          setBusy(false);
        }
      }
    },
    []
  );
  return { busy, error, setError, run };
}

/** The properties of the end of a form. */
export interface IFormFooterProps {
  /** The last error of the submit action, shown above the buttons. */
  error: unknown;
  /** Whether the submit action is running. */
  busy: boolean;
  /** Whether what was typed may be submitted. */
  valid: boolean;
  /** The label of the submit button. */
  label: string;
  /** Its label while the action runs, `label` by default. */
  busyLabel?: string;
  /** Whether the submit button is warning-coloured. */
  danger?: boolean;
  onClose: () => void;
}

/**
 * The end of a form: the submit action's error inline, then Cancel and a
 * submit button disabled while busy or invalid.
 */
export function FormFooter(props: IFormFooterProps): JSX.Element {
  const { busy, label } = props;
  return (
    <>
      <ErrorMessage error={props.error} />
      <DialogButtons
        onClose={props.onClose}
        submit={{
          label: busy ? (props.busyLabel ?? label) : label,
          disabled: busy || !props.valid,
          danger: props.danger
        }}
      />
    </>
  );
}

/** The properties of a form dialog. */
export interface IFormDialogProps {
  /** The dialog title, also its accessible name. */
  title: string;
  /** The accessible name of the form, if it should have one. */
  formLabel?: string;
  /** The label of the submit button. */
  submitLabel: string;
  /** Whether the submit button is warning-coloured. */
  danger?: boolean;
  /** Whether what was typed may be submitted. */
  valid: boolean;
  /** Do the work: the dialog closes when it resolves, shows the error when it rejects. */
  onSubmit: () => Promise<unknown>;
  onClose: () => void;
  children?: React.ReactNode;
}

/**
 * A modal form: its fields, the server's error inline (the dialog stays
 * open), Cancel and a submit button disabled while busy or invalid.
 */
export function FormDialog(props: IFormDialogProps): JSX.Element {
  const { title, valid, onSubmit, onClose } = props;
  const { busy, error, run } = useAction();

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !valid) {
      return;
    }
    if (await run(onSubmit)) {
      onClose();
    }
  };

  return (
    <Modal title={title} onClose={onClose}>
      <form onSubmit={submit} aria-label={props.formLabel}>
        {props.children}
        <FormFooter
          error={error}
          busy={busy}
          valid={valid}
          label={props.submitLabel}
          danger={props.danger}
          onClose={onClose}
        />
      </form>
    </Modal>
  );
}

/** The properties of a dialog creating a named item. */
export interface INewItemDialogProps {
  /** The dialog title, also the accessible name of the dialog and its form. */
  title: string;
  /** The label of the name field. */
  nameLabel: string;
  /** Create the item from the trimmed name and the description. */
  onCreate: (name: string, description: string) => Promise<unknown>;
  onClose: () => void;
  /** More fields, shown between the name and the description. */
  children?: React.ReactNode;
}

/** A dialog creating an item from a name, a description and more fields. */
export function NewItemDialog(props: INewItemDialogProps): JSX.Element {
  const { title, onCreate } = props;
  const [name, setName] = React.useState('');
  const [description, setDescription] = React.useState('');
  return (
    <FormDialog
      title={title}
      formLabel={title}
      submitLabel="Create"
      valid={!!name.trim()}
      onSubmit={() => onCreate(name.trim(), description)}
      onClose={props.onClose}
    >
      <TextField
        label={props.nameLabel}
        name="name"
        value={name}
        required
        initialFocus
        onChange={setName}
      />
      {props.children}
      <TextAreaField
        label="Description"
        name="description"
        value={description}
        onChange={setDescription}
      />
    </FormDialog>
  );
}
