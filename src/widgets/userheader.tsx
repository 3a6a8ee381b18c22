/**
 * The header of the studio panel: who is signed in and their personas.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { IMe } from '../api';
import type { StudioModel } from '../model';
import {
  CHIP_CLASS,
  CHIPS_CLASS,
  USER_HEADER_CLASS,
  USER_LOGIN_CLASS,
  USER_NAME_CLASS
} from './classes';

/** The properties of the user header view. */
export interface IUserHeaderProps {
  me: IMe | null;
}

/** Render the signed-in user: display name, username and persona chips. */
export function UserHeaderView(props: IUserHeaderProps): JSX.Element {
  const { me } = props;
  if (!me) {
    return (
      <div className={USER_HEADER_CLASS} aria-busy="true">
        Loading…
      </div>
    );
  }
  return (
    <div className={USER_HEADER_CLASS} aria-label="Signed-in user">
      <div className={USER_NAME_CLASS}>{me.display_name || me.username}</div>
      <div className={USER_LOGIN_CLASS}>@{me.username}</div>
      <ul className={CHIPS_CLASS} aria-label="Personas">
        {me.personas.map(persona => (
          <li key={persona} className={CHIP_CLASS} data-persona={persona}>
            {persona}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A widget rendering the signed-in user from the model. */
export class UserHeader extends ReactWidget {
  constructor(model: StudioModel) {
    super();
    this.model = model;
    this.addClass(USER_HEADER_CLASS + '-widget');
  }

  readonly model: StudioModel;

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed} initialSender={this.model}>
        {() => <UserHeaderView me={this.model.me} />}
      </UseSignal>
    );
  }
}
