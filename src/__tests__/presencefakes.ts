/**
 * Presence fixtures for tests: spaces of every kind, people with open
 * documents, a fake server answering /me, /spaces and each shared space's
 * presence, and the models polling it.
 */
import { StudioModel } from '../model';
import { PresenceModel } from '../presence/model';
import { FakeServer, makeSpace, ME } from './fakeserver';

/** The spaces of the fixtures: two shared ones alice belongs to, and others. */
export const PRESENCE_SPACES = [
  makeSpace('mine', { sharing: 'private' }),
  makeSpace('team', { sharing: 'shared', role: 'owner' }),
  makeSpace('lab', { sharing: 'shared', role: 'viewer', owner: 'bob' }),
  // an admin sees spaces they are no member of: the server hides their presence
  makeSpace('other', { sharing: 'shared', role: null, owner: 'carol' })
];

/** A person in a space with the documents they have open. */
export function person(
  username: string,
  displayName: string,
  documents: string[]
): Record<string, unknown> {
  return { username, display_name: displayName, documents };
}

export const ALICE = person('alice', ME.display_name, [
  'spaces/team/train.ipynb'
]);
export const BOB = person('bob', 'Bob Builder', [
  'spaces/team/data/prepare.py',
  'spaces/team/train.ipynb'
]);

/** A presence answer. */
export function presence(
  space: string,
  people: Record<string, unknown>[]
): Record<string, unknown> {
  return { space, people };
}

/** A fake server: alice and bob in `team`, nobody in `lab`. */
export function presenceServer(): FakeServer {
  return new FakeServer()
    .on('GET', 'me', 200, ME)
    .on('GET', 'spaces', 200, { items: PRESENCE_SPACES, next: null })
    .on('GET', 'spaces/team/presence', 200, presence('team', [ALICE, BOB]))
    .on('GET', 'spaces/lab/presence', 200, presence('lab', []));
}

/**
 * A studio model and a presence model on `server`; the studio model does not
 * poll by itself, the presence model every `refreshInterval` milliseconds.
 */
export function presenceModels(
  server: FakeServer,
  refreshInterval = 60000
): { studio: StudioModel; model: PresenceModel } {
  const { serverSettings } = server;
  const studio = new StudioModel({ serverSettings, refreshInterval: 60000 });
  const model = new PresenceModel({ studio, serverSettings, refreshInterval });
  return { studio, model };
}

/** Wait until `condition` holds, checking every 5 ms; fail after 5 s. */
export async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5000) {
      throw new Error('The condition did not hold within 5 s');
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}
