/**
 * The "Who's here" section of the Studio sidebar: for each shared space the
 * user belongs to, the people in it now and the documents each has open;
 * clicking a document opens it.
 */
import { PathExt } from '@jupyterlab/coreutils';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { EMPTY_CLASS } from '../../widgets/classes';
import { ErrorMessage } from '../../widgets/form';
import type { IPresentPerson } from '../api';
import type { ISpacePresence, PresenceModel } from '../model';
import {
  AVATAR_CLASS,
  DOCUMENT_CLASS,
  DOCUMENT_LIST_CLASS,
  PEOPLE_LIST_CLASS,
  PERSON_CLASS,
  PERSON_NAME_CLASS,
  PERSON_ROW_CLASS,
  PRESENCE_CLASS,
  PRESENCE_COUNT_CLASS,
  PRESENCE_SPACE_CLASS,
  PRESENCE_SPACE_LIST_CLASS,
  PRESENCE_SPACE_NAME_CLASS,
  YOU_CLASS
} from './classes';

/** How many collaborator colors JupyterLab's themes define (`--jp-collaborator-color1…7`). */
const COLLABORATOR_COLORS = 7;

/** The initials of a display name: the first letters of its first two words. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map(word => Array.from(word)[0].toUpperCase())
    .join('');
}

/**
 * The number (1 to 7) of a user's collaborator color of the theme, the same
 * for them everywhere (`style/presence.css` maps it to the color).
 */
export function colorOf(username: string): number {
  let hash = 0;
  for (const char of username) {
    hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  }
  return (hash % COLLABORATOR_COLORS) + 1;
}

/** A person's avatar: a circle in their color with their initials. */
export function Avatar(props: { person: IPresentPerson }): JSX.Element {
  const { person } = props;
  return (
    <span
      className={AVATAR_CLASS}
      data-color={colorOf(person.username)}
      aria-hidden="true"
    >
      {initialsOf(person.display_name || person.username)}
    </span>
  );
}

/** The properties of a person item. */
interface IPersonProps {
  person: IPresentPerson;
  isMe: boolean;
  onOpen: (path: string) => void;
}

/** One person: avatar, name (username in the tooltip) and open documents. */
function PersonItem(props: IPersonProps): JSX.Element {
  const { person, isMe, onOpen } = props;
  const name = person.display_name || person.username;
  return (
    <li
      className={PERSON_CLASS}
      aria-label={name}
      data-username={person.username}
    >
      <div className={PERSON_ROW_CLASS}>
        <Avatar person={person} />
        <span className={PERSON_NAME_CLASS} title={`@${person.username}`}>
          {name}
        </span>
        {isMe && <span className={YOU_CLASS}> (you)</span>}
      </div>
      <ul
        className={DOCUMENT_LIST_CLASS}
        aria-label={`Documents ${name} has open`}
      >
        {person.documents.map(path => (
          <li key={path}>
            <button
              type="button"
              className={DOCUMENT_CLASS}
              title={path}
              data-path={path}
              onClick={() => onOpen(path)}
            >
              {PathExt.basename(path)}
            </button>
          </li>
        ))}
      </ul>
    </li>
  );
}

/** One shared space: its name and the people in it now. */
function SpaceItem(props: {
  presence: ISpacePresence;
  isMe: (username: string) => boolean;
  onOpen: (path: string) => void;
}): JSX.Element {
  const { presence, isMe, onOpen } = props;
  const count = presence.people.length;
  return (
    <li
      className={PRESENCE_SPACE_CLASS}
      aria-label={`Space ${presence.space}`}
      data-space={presence.space}
    >
      <div>
        <span className={PRESENCE_SPACE_NAME_CLASS}>{presence.space}</span>
        {count > 0 && (
          <span className={PRESENCE_COUNT_CLASS}> · {count} here</span>
        )}
      </div>
      <ErrorMessage error={presence.error} />
      {count === 0 ? (
        <p className={EMPTY_CLASS}>Nobody here now</p>
      ) : (
        <ul
          className={PEOPLE_LIST_CLASS}
          aria-label={`People in ${presence.space}`}
        >
          {presence.people.map(person => (
            <PersonItem
              key={person.username}
              person={person}
              isMe={isMe(person.username)}
              onOpen={onOpen}
            />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The properties of the presence view. */
export interface IPresenceViewProps {
  model: PresenceModel;
  /** Open a document by its path from the server root. */
  onOpen: (path: string) => void;
}

/** Render the presence of every shared space the user belongs to. */
export function PresenceView(props: IPresenceViewProps): JSX.Element {
  const { model, onOpen } = props;
  const isMe = (username: string) => model.isMe(username);
  return (
    <div className={PRESENCE_CLASS}>
      <ErrorMessage error={model.error} />
      {!model.isReady ? (
        <p aria-busy="true">Loading who’s here…</p>
      ) : model.spaces.length === 0 ? (
        <p className={EMPTY_CLASS}>
          No shared spaces: who has which document open shows here for the
          shared spaces you belong to.
        </p>
      ) : (
        <ul className={PRESENCE_SPACE_LIST_CLASS} aria-label="Who's here">
          {model.spaces.map(presence => (
            <SpaceItem
              key={presence.space}
              presence={presence}
              isMe={isMe}
              onOpen={onOpen}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

/** A widget rendering the "Who's here" section, re-rendered on every refresh. */
export class PresenceWidget extends ReactWidget {
  constructor(options: PresenceWidget.IOptions) {
    super();
    this.model = options.model;
    this._onOpen = options.onOpen;
    this.addClass(PRESENCE_CLASS + '-widget');
  }

  /** The presence model rendered. */
  readonly model: PresenceModel;

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed} initialSender={this.model}>
        {() => <PresenceView model={this.model} onOpen={this._onOpen} />}
      </UseSignal>
    );
  }

  /** Refresh whenever the section shows (the poll stands by while hidden). */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.model.refresh();
  }

  private _onOpen: (path: string) => void;
}

/** A namespace for `PresenceWidget` statics. */
export namespace PresenceWidget {
  /** The options of the presence section. */
  export interface IOptions {
    model: PresenceModel;
    /** Open a document by its path from the server root. */
    onOpen: (path: string) => void;
  }
}
