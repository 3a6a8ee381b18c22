/**
 * Typed REST layer of presence (`GET /spaces/{name}/presence`): who has
 * which document of a space open now in a collaboration room.
 *
 * Like `../api`, every function takes the server settings from its caller,
 * validates the shape of the answer and throws a `StudioAPIError` on any
 * non-2xx answer (404 when the user is not a member of the space).
 */
import { ServerConnection } from '@jupyterlab/services';

import { pathSegment, requestChecked } from '../api';
import { validatePresence } from './validate';

/** A person in a space now, with the documents they have open. */
export interface IPresentPerson {
  username: string;
  display_name: string;
  /** The API paths (from the server root) of the documents they have open. */
  documents: string[];
}

/** The presence of a space, from `GET /spaces/{name}/presence`. */
export interface IPresence {
  space: string;
  /** The people with a document of the space open, sorted by username. */
  people: IPresentPerson[];
}

/** `GET /spaces/{name}/presence`: who has which document of the space open. */
export function getPresence(
  space: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IPresence> {
  return requestChecked(
    `spaces/${pathSegment(space)}/presence`,
    validatePresence,
    serverSettings
  );
}
