/**
 * The "Share snapshot…" dialog: snapshot a notebook, create a link for it,
 * and end by showing the link with a "Copy link" button.
 */
import { Clipboard } from '@jupyterlab/apputils';
import * as React from 'react';

import type { IUser } from '../../api';
import { BUTTON_CLASS, INPUT_CLASS } from '../../widgets/classes';
import {
  DialogButtons,
  Field,
  FormFooter,
  SelectField,
  TextAreaField,
  TextField,
  useAction
} from '../../widgets/form';
import { Modal } from '../../widgets/modal';
import type {
  Audience,
  INewShareLink,
  ISharingSettings,
  ISnapshot
} from '../api';
import type { SnapshotsModel } from '../model';
import {
  AUDIENCE_CLASS,
  CHECK_FIELD_CLASS,
  HINT_CLASS,
  LINK_ROW_CLASS,
  SHARE_FORM_CLASS,
  SHARE_RESULT_CLASS,
  STATUS_CLASS,
  USER_CHOICES_CLASS
} from './classes';

/** The audience choices, as the select shows them. */
const AUDIENCE_LABELS: Record<Audience, string> = {
  domain: 'Every domain user',
  users: 'Named users'
};
const AUDIENCE_OPTIONS = Object.values(AUDIENCE_LABELS);

/** The file name of a path. */
export function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

/** The title a snapshot of `path` gets by default: its file name, without `.ipynb`. */
export function defaultTitle(path: string): string {
  return baseName(path).replace(/\.ipynb$/, '');
}

/** Copy text to the system clipboard (the async API, else a selection copy). */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    Clipboard.copyToSystem(text);
  }
}

/** Who a link is for, in words. */
export function audienceText(audience: Audience, users: string[]): string {
  return audience === 'domain'
    ? 'every domain user'
    : users.join(', ') || 'nobody';
}

/**
 * Parse the expiry typed: `null` for an empty field (never expires), the
 * number of days, or an error message.
 */
export function parseExpiry(
  text: string,
  maximum: number | null
): { days: number | null } | { error: string } {
  const trimmed = text.trim();
  if (!trimmed) {
    return maximum === null
      ? { days: null }
      : { error: `Links expire within ${maximum} days in this domain.` };
  }
  const days = Number(trimmed);
  if (!Number.isInteger(days) || days < 1) {
    return { error: 'The expiry is a whole number of days, at least 1.' };
  }
  if (maximum !== null && days > maximum) {
    return { error: `Links expire within ${maximum} days in this domain.` };
  }
  return { days };
}

/** The properties of the share dialog. */
export interface IShareDialogProps {
  model: SnapshotsModel;
  /** The notebook's path from the server root. */
  path: string;
  onClose: () => void;
  /** Copy the link; `copyText` by default. */
  copy?: (text: string) => Promise<void>;
}

/** What the dialog has created so far. */
interface IShared {
  snapshot: ISnapshot;
  link: INewShareLink | null;
}

/**
 * A dialog sharing a snapshot of a notebook: title, description, outputs
 * (disabled when the domain forbids them), audience, expiry and label. It
 * creates the snapshot, then the link; when the link fails the snapshot is
 * kept and submitting again only retries the link.
 */
export function ShareDialog(props: IShareDialogProps): JSX.Element {
  const { model, path, onClose } = props;
  const [title, setTitle] = React.useState(() => defaultTitle(path));
  const [description, setDescription] = React.useState('');
  const [includeOutputs, setIncludeOutputs] = React.useState(false);
  const [audience, setAudience] = React.useState<Audience>('domain');
  const [chosen, setChosen] = React.useState<string[]>([]);
  const [typedUsers, setTypedUsers] = React.useState('');
  const [expiry, setExpiry] = React.useState('');
  const [label, setLabel] = React.useState('');
  const [settings, setSettings] = React.useState<ISharingSettings | null>(null);
  const [users, setUsers] = React.useState<IUser[] | null>(null);
  const [shared, setShared] = React.useState<IShared | null>(null);
  const { busy, error, run } = useAction();

  React.useEffect(() => {
    let mounted = true;
    model
      .sharingSettings()
      .then(value => {
        if (mounted) {
          setSettings(value);
          const days = value.share_link_default_expiry_days;
          setExpiry(days === null ? '' : String(days));
        }
      })
      // Unknown settings: every option stays open and the server decides.
      .catch(() => undefined);
    model
      .listUsers()
      .then(items => {
        const me = model.me?.username;
        if (mounted) {
          setUsers(items.filter(user => user.username !== me));
        }
      })
      // The users cannot be listed: their names are typed instead.
      .catch(() => undefined);
    return () => {
      mounted = false;
    };
  }, [model]);

  const outputsForbidden = settings?.snapshots_allow_outputs === false;
  const maximum = settings?.share_link_max_expiry_days ?? null;
  const parsedExpiry = parseExpiry(expiry, maximum);
  const audienceUsers =
    users === null
      ? typedUsers
          .split(',')
          .map(name => name.trim())
          .filter(name => name)
      : chosen;
  const valid =
    !!title.trim() &&
    'days' in parsedExpiry &&
    (audience === 'domain' || audienceUsers.length > 0);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !valid || !('days' in parsedExpiry)) {
      return;
    }
    await run(async () => {
      const snapshot =
        shared?.snapshot ??
        (await model.createSnapshot({
          path,
          title: title.trim(),
          description,
          include_outputs: includeOutputs && !outputsForbidden
        }));
      setShared({ snapshot, link: null });
      const link = await model.createLink(snapshot.id, {
        audience,
        ...(audience === 'users' ? { users: audienceUsers } : {}),
        expires_in_days: parsedExpiry.days,
        label: label.trim()
      });
      setShared({ snapshot, link });
    });
  };

  const dialogTitle = `Share snapshot of ${baseName(path)}`;
  if (shared?.link) {
    return (
      <Modal title={dialogTitle} onClose={onClose}>
        <ShareResult
          snapshot={shared.snapshot}
          link={shared.link}
          copy={props.copy ?? copyText}
          onClose={onClose}
        />
      </Modal>
    );
  }

  const toggleUser = (username: string, checked: boolean) =>
    setChosen(current =>
      checked
        ? [...current, username]
        : current.filter(name => name !== username)
    );

  return (
    <Modal title={dialogTitle} onClose={onClose}>
      <form
        className={SHARE_FORM_CLASS}
        aria-label="Share snapshot"
        onSubmit={submit}
      >
        <fieldset disabled={!!shared}>
          <TextField
            label="Title"
            name="title"
            value={title}
            required
            initialFocus
            onChange={setTitle}
          />
          <TextAreaField
            label="Description"
            name="description"
            maxLength={4096}
            value={description}
            onChange={setDescription}
          />
          <label className={CHECK_FIELD_CLASS}>
            <input
              type="checkbox"
              name="include_outputs"
              checked={includeOutputs && !outputsForbidden}
              disabled={outputsForbidden}
              onChange={event => setIncludeOutputs(event.target.checked)}
            />
            <span>Include outputs</span>
          </label>
          <p className={HINT_CLASS}>
            {outputsForbidden
              ? 'Your domain does not allow outputs in snapshots: only the cells are shared.'
              : 'Without outputs, only the cells are shared.'}
          </p>
        </fieldset>
        <div className={AUDIENCE_CLASS}>
          <SelectField
            label="Audience"
            name="audience"
            value={AUDIENCE_LABELS[audience]}
            options={AUDIENCE_OPTIONS}
            onChange={value =>
              setAudience(value === AUDIENCE_LABELS.users ? 'users' : 'domain')
            }
          />
          {audience === 'users' &&
            (users === null ? (
              <TextField
                label="Usernames (comma-separated)"
                name="users"
                value={typedUsers}
                onChange={setTypedUsers}
              />
            ) : (
              <fieldset>
                <legend>Users</legend>
                {users.length === 0 ? (
                  <p className={HINT_CLASS}>
                    There is nobody else to share with.
                  </p>
                ) : (
                  <ul className={USER_CHOICES_CLASS} aria-label="Users">
                    {users.map(user => (
                      <li key={user.username}>
                        <label className={CHECK_FIELD_CLASS}>
                          <input
                            type="checkbox"
                            checked={chosen.includes(user.username)}
                            onChange={event =>
                              toggleUser(user.username, event.target.checked)
                            }
                          />
                          <span>
                            {user.display_name} <small>@{user.username}</small>
                          </span>
                        </label>
                      </li>
                    ))}
                  </ul>
                )}
              </fieldset>
            ))}
        </div>
        <Field label="Expires in (days)">
          <input
            className={INPUT_CLASS}
            type="number"
            name="expires_in_days"
            min={1}
            max={maximum ?? undefined}
            value={expiry}
            onChange={event => setExpiry(event.target.value)}
          />
        </Field>
        <p className={HINT_CLASS}>
          {'error' in parsedExpiry
            ? parsedExpiry.error
            : maximum === null
              ? 'Leave empty for a link that never expires.'
              : `At most ${maximum} days.`}
        </p>
        <TextField
          label="Label"
          name="label"
          value={label}
          onChange={setLabel}
        />
        {shared && (
          <p className={HINT_CLASS}>
            Version {shared.snapshot.version} of the snapshot was created; the
            link was not.
          </p>
        )}
        <FormFooter
          error={error}
          busy={busy}
          valid={valid}
          label="Create link"
          busyLabel="Sharing…"
          onClose={onClose}
        />
      </form>
    </Modal>
  );
}

/** The properties of the end of the share dialog. */
interface IShareResultProps {
  snapshot: ISnapshot;
  link: INewShareLink;
  copy: (text: string) => Promise<void>;
  onClose: () => void;
}

/** The link created, with "Copy link" (the token is shown only this once). */
function ShareResult(props: IShareResultProps): JSX.Element {
  const { snapshot, link, copy, onClose } = props;
  const [status, setStatus] = React.useState('');
  const inputRef = React.useRef<HTMLInputElement>(null);
  const copyLink = async () => {
    inputRef.current?.select();
    try {
      await copy(link.url);
      setStatus('Link copied to the clipboard.');
    } catch {
      setStatus('Copying failed: select the link and copy it.');
    }
  };
  return (
    <div className={SHARE_RESULT_CLASS}>
      <p>
        Version {snapshot.version} of <strong>{snapshot.title}</strong> is
        shared with {audienceText(link.audience, link.users)}
        {link.expires_at
          ? `; the link expires on ${new Date(link.expires_at).toLocaleString()}.`
          : '; the link never expires.'}
      </p>
      <div className={LINK_ROW_CLASS}>
        <input
          ref={inputRef}
          className={INPUT_CLASS}
          aria-label="Share link"
          readOnly
          value={link.url}
          onFocus={event => event.target.select()}
        />
        <button
          type="button"
          className={BUTTON_CLASS}
          data-autofocus
          onClick={() => void copyLink()}
        >
          Copy link
        </button>
      </div>
      <p className={HINT_CLASS}>
        This link is shown only now: copy it before closing. You can revoke it
        or extend it from the Snapshots section of the Studio sidebar.
      </p>
      <p className={STATUS_CLASS} role="status">
        {status}
      </p>
      <DialogButtons onClose={onClose} closeLabel="Close" />
    </div>
  );
}
