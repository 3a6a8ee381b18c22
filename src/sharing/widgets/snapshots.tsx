/**
 * The Snapshots section of the Studio sidebar: my snapshots with their links
 * (revoke, extend, see opens) and the snapshots shared with me.
 */
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { DateText } from '../../registry/widgets/versions';
import {
  BUTTON_CLASS,
  DANGER_BUTTON_CLASS,
  EMPTY_CLASS,
  INPUT_CLASS,
  MEMBER_LIST_CLASS,
  SUBHEADING_CLASS
} from '../../widgets/classes';
import { DialogHostWidget } from '../../widgets/dialoghost';
import {
  DialogButtons,
  ErrorMessage,
  Field,
  FormDialog
} from '../../widgets/form';
import { Modal } from '../../widgets/modal';
import type { ILinkOpen, IShareLink, ISnapshot } from '../api';
import type { SnapshotsModel } from '../model';
import {
  ACTIONS_CLASS,
  LINK_ITEM_CLASS,
  LINK_LIST_CLASS,
  LINK_META_CLASS,
  SNAPSHOT_ITEM_CLASS,
  SNAPSHOT_LIST_CLASS,
  SNAPSHOT_META_CLASS,
  SNAPSHOT_NAME_CLASS,
  SNAPSHOTS_CLASS,
  TITLE_BUTTON_CLASS
} from './classes';
import { audienceText } from './sharedialog';

/** The dialog the snapshots section shows, if any. */
export type SnapshotsDialog =
  | { kind: 'revoke'; link: IShareLink }
  | { kind: 'extend'; link: IShareLink }
  | { kind: 'opens'; link: IShareLink }
  | null;

/** The name of a link: its label, else its id. */
export function linkName(link: IShareLink): string {
  return link.label || `Link ${link.id}`;
}

/** How many opens, in words. */
export function opensText(count: number): string {
  return count === 1 ? '1 open' : `${count} opens`;
}

/** The properties of a link item. */
interface ILinkItemProps {
  link: IShareLink;
  onDialog: (dialog: SnapshotsDialog) => void;
}

/** One link: label, audience, expiry, state, opens and its actions. */
function LinkItem(props: ILinkItemProps): JSX.Element {
  const { link, onDialog } = props;
  const name = linkName(link);
  const active = link.state === 'active';
  return (
    <li
      className={LINK_ITEM_CLASS}
      aria-label={name}
      data-link={link.id}
      data-state={link.state}
    >
      <div className={SNAPSHOT_NAME_CLASS}>{name}</div>
      <div className={LINK_META_CLASS}>
        <span data-field="audience">
          for {audienceText(link.audience, link.users)}
        </span>
        {' · '}
        <span data-field="expiry">
          {link.state === 'revoked' ? (
            'revoked'
          ) : link.expires_at ? (
            <>
              {active ? 'expires ' : 'expired '}
              <DateText value={link.expires_at} />
            </>
          ) : (
            'never expires'
          )}
        </span>
        {' · '}
        <span data-field="opens">{opensText(link.opens)}</span>
      </div>
      <div className={ACTIONS_CLASS}>
        <button
          type="button"
          className={BUTTON_CLASS}
          aria-label={`Opens of ${name}`}
          onClick={() => onDialog({ kind: 'opens', link })}
        >
          Opens…
        </button>
        <button
          type="button"
          className={BUTTON_CLASS}
          aria-label={`Extend ${name}`}
          title={
            link.expires_at === null && active
              ? 'This link never expires'
              : undefined
          }
          disabled={link.state === 'revoked' || link.expires_at === null}
          onClick={() => onDialog({ kind: 'extend', link })}
        >
          Extend…
        </button>
        <button
          type="button"
          className={DANGER_BUTTON_CLASS}
          aria-label={`Revoke ${name}`}
          disabled={link.state === 'revoked'}
          onClick={() => onDialog({ kind: 'revoke', link })}
        >
          Revoke…
        </button>
      </div>
    </li>
  );
}

/** The properties of one of my snapshots. */
interface IMySnapshotProps {
  model: SnapshotsModel;
  snapshot: ISnapshot;
  onOpen: (id: string) => void;
  onDialog: (dialog: SnapshotsDialog) => void;
}

/** One of my snapshots, with its links when expanded. */
function MySnapshot(props: IMySnapshotProps): JSX.Element {
  const { model, snapshot, onOpen, onDialog } = props;
  const expanded = model.isExpanded(snapshot.id);
  const links = model.links(snapshot.id);
  const name = `${snapshot.title} v${snapshot.version}`;
  return (
    <li className={SNAPSHOT_ITEM_CLASS} aria-label={name}>
      <button
        type="button"
        className={`${TITLE_BUTTON_CLASS} ${SNAPSHOT_NAME_CLASS}`}
        title={`Preview ${snapshot.path} as snapshotted`}
        onClick={() => onOpen(snapshot.id)}
      >
        {snapshot.title}
      </button>
      <div className={SNAPSHOT_META_CLASS}>
        v{snapshot.version} · {snapshot.path} ·{' '}
        <DateText value={snapshot.created_at} />
      </div>
      <div className={ACTIONS_CLASS}>
        <button
          type="button"
          className={BUTTON_CLASS}
          aria-expanded={expanded}
          aria-label={`${expanded ? 'Hide' : 'Show'} links of ${name}`}
          onClick={() => void model.toggleLinks(snapshot.id)}
        >
          {expanded ? 'Hide links' : 'Links'}
        </button>
      </div>
      {expanded &&
        (links === null ? (
          <p aria-busy="true">Loading links…</p>
        ) : links.length === 0 ? (
          <p className={EMPTY_CLASS}>No links.</p>
        ) : (
          <ul className={LINK_LIST_CLASS} aria-label={`Links of ${name}`}>
            {links.map(link => (
              <LinkItem key={link.id} link={link} onDialog={onDialog} />
            ))}
          </ul>
        ))}
    </li>
  );
}

/** The properties of a titled group of the section. */
interface IGroupProps {
  title: string;
  empty: string;
  count: number;
  children: React.ReactNode;
}

function Group(props: IGroupProps): JSX.Element {
  const headingId = `jp-MlopsStudio-snapshots-${props.title
    .toLowerCase()
    .replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId} className={SUBHEADING_CLASS}>
        {props.title}
      </h3>
      {props.count === 0 ? (
        <p className={EMPTY_CLASS}>{props.empty}</p>
      ) : (
        <ul className={SNAPSHOT_LIST_CLASS} aria-label={props.title}>
          {props.children}
        </ul>
      )}
    </section>
  );
}

/** The properties of a dialog about one link. */
export interface ILinkDialogProps {
  model: SnapshotsModel;
  link: IShareLink;
  onClose: () => void;
}

/** Who opened a link, and when. */
export function OpensDialog(props: ILinkDialogProps): JSX.Element {
  const { model, link, onClose } = props;
  const [opens, setOpens] = React.useState<ILinkOpen[] | null>(null);
  const [error, setError] = React.useState<unknown>(null);
  React.useEffect(() => {
    let mounted = true;
    model
      .listOpens(link)
      .then(items => mounted && setOpens(items))
      .catch(reason => {
        if (mounted) {
          setOpens([]);
          setError(reason);
        }
      });
    return () => {
      mounted = false;
    };
  }, [model, link]);
  return (
    <Modal title={`Opens of ${linkName(link)}`} onClose={onClose}>
      {opens === null ? (
        <p aria-busy="true">Loading…</p>
      ) : opens.length === 0 ? (
        <p className={EMPTY_CLASS}>Nobody opened this link yet.</p>
      ) : (
        <ul className={MEMBER_LIST_CLASS} aria-label="Opens">
          {opens.map((open, index) => (
            <li key={index}>
              {open.username} · <DateText value={open.at} />
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage error={error} />
      <DialogButtons onClose={onClose} closeLabel="Close" />
    </Modal>
  );
}

/** Push a link's expiry some days further. */
export function ExtendDialog(props: ILinkDialogProps): JSX.Element {
  const { model, link, onClose } = props;
  const [days, setDays] = React.useState('7');
  const value = Number(days);
  return (
    <FormDialog
      title={`Extend ${linkName(link)}`}
      submitLabel="Extend"
      valid={Number.isInteger(value) && value >= 1}
      onSubmit={() => model.extendLink(link, value)}
      onClose={onClose}
    >
      <p>
        {link.expires_at ? (
          <>
            The link {link.state === 'active' ? 'expires' : 'expired'}{' '}
            <DateText value={link.expires_at} />. The domain bounds how far its
            expiry may go.
          </>
        ) : (
          'The link never expires.'
        )}
      </p>
      <Field label="Days to add">
        <input
          className={INPUT_CLASS}
          type="number"
          min={1}
          value={days}
          data-autofocus
          onChange={event => setDays(event.target.value)}
        />
      </Field>
    </FormDialog>
  );
}

/** Revoke a link, after a confirmation. */
export function RevokeDialog(props: ILinkDialogProps): JSX.Element {
  const { model, link, onClose } = props;
  return (
    <FormDialog
      title={`Revoke ${linkName(link)}`}
      submitLabel="Revoke link"
      danger
      valid
      onSubmit={() => model.revokeLink(link)}
      onClose={onClose}
    >
      <p>
        Whoever opens this link from now on is told it was revoked. This cannot
        be undone: share a new link instead.
      </p>
    </FormDialog>
  );
}

/** The properties of the snapshots view. */
export interface ISnapshotsViewProps {
  model: SnapshotsModel;
  dialog: SnapshotsDialog;
  onDialog: (dialog: SnapshotsDialog) => void;
  /** Open a snapshot's preview by id. */
  onOpen: (id: string) => void;
}

/** Render my snapshots, those shared with me, and the open dialog. */
export function SnapshotsView(props: ISnapshotsViewProps): JSX.Element {
  const { model, dialog, onDialog, onOpen } = props;
  const close = () => onDialog(null);
  return (
    <div className={SNAPSHOTS_CLASS}>
      <ErrorMessage error={model.error} />
      {!model.isReady ? (
        <p aria-busy="true">Loading snapshots…</p>
      ) : (
        <>
          <Group
            title="My snapshots"
            empty="No snapshots yet: right-click a notebook and choose Share snapshot…"
            count={model.mine.length}
          >
            {model.mine.map(snapshot => (
              <MySnapshot
                key={snapshot.id}
                model={model}
                snapshot={snapshot}
                onOpen={onOpen}
                onDialog={onDialog}
              />
            ))}
          </Group>
          <Group
            title="Shared with me"
            empty="Nothing is shared with you."
            count={model.shared.length}
          >
            {model.shared.map(snapshot => (
              <li
                key={snapshot.id}
                className={SNAPSHOT_ITEM_CLASS}
                aria-label={`${snapshot.title} v${snapshot.version}`}
              >
                <button
                  type="button"
                  className={`${TITLE_BUTTON_CLASS} ${SNAPSHOT_NAME_CLASS}`}
                  title="Open the preview"
                  onClick={() => onOpen(snapshot.id)}
                >
                  {snapshot.title}
                </button>
                <div className={SNAPSHOT_META_CLASS}>
                  by {snapshot.author} · v{snapshot.version} ·{' '}
                  <DateText value={snapshot.created_at} />
                </div>
              </li>
            ))}
          </Group>
        </>
      )}
      {dialog?.kind === 'opens' && (
        <OpensDialog model={model} link={dialog.link} onClose={close} />
      )}
      {dialog?.kind === 'extend' && (
        <ExtendDialog model={model} link={dialog.link} onClose={close} />
      )}
      {dialog?.kind === 'revoke' && (
        <RevokeDialog model={model} link={dialog.link} onClose={close} />
      )}
    </div>
  );
}

/** A widget rendering the snapshots section. */
export class SnapshotsWidget extends DialogHostWidget<
  SnapshotsModel,
  SnapshotsDialog
> {
  constructor(options: SnapshotsWidget.IOptions) {
    super(options.model);
    this._onOpen = options.onOpen;
    this.addClass(SNAPSHOTS_CLASS + '-widget');
  }

  /** Refresh whenever the section shows (the poll stands by while hidden). */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.model.refresh();
  }

  protected renderView(dialog: SnapshotsDialog): JSX.Element {
    return (
      <SnapshotsView
        model={this.model}
        dialog={dialog}
        onDialog={next => this.openDialog(next)}
        onOpen={this._onOpen}
      />
    );
  }

  private _onOpen: (id: string) => void;
}

/** A namespace for `SnapshotsWidget` statics. */
export namespace SnapshotsWidget {
  /** The options of the snapshots section. */
  export interface IOptions {
    model: SnapshotsModel;
    /** Open a snapshot's preview by id. */
    onOpen: (id: string) => void;
  }
}
