import { StudioModel } from '../model';
import { getPresence } from '../presence/api';
import { PresenceModel, presenceSpaces } from '../presence/model';
import { validatePresence } from '../presence/validate';
import { validateSpace } from '../validate';
import { failed, unexpected } from './fakeserver';
import {
  ALICE,
  BOB,
  person,
  presence,
  presenceModels,
  presenceServer,
  PRESENCE_SPACES,
  until
} from './presencefakes';

/** A deep copy of a JSON fixture (validators normalize in place). */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** Wait for `ms` milliseconds. */
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('presence answers', () => {
  it('accepts a presence and defaults a missing display name to the username', () => {
    const answer = validatePresence({
      space: 'team',
      people: [{ username: 'bob', documents: ['spaces/team/a.ipynb'] }]
    });
    expect(answer.people).toEqual([
      {
        username: 'bob',
        display_name: 'bob',
        documents: ['spaces/team/a.ipynb']
      }
    ]);
    expect(validatePresence(presence('lab', [])).people).toEqual([]);
  });

  it('refuses a malformed presence, naming the person and property', () => {
    expect(() => validatePresence({ space: 'team' })).toThrow(/people/);
    expect(() => validatePresence({ people: [] })).toThrow(/space/);
    expect(() =>
      validatePresence(presence('team', [copy(BOB), { username: 'x' }]))
    ).toThrow("people[1]: Missing property 'documents'");
    expect(() =>
      validatePresence(presence('team', [{ username: 'bob', documents: [1] }]))
    ).toThrow(/people\[0\].*documents/);
    expect(() => validatePresence([])).toThrow(/not an object/);
  });
});

describe('presence REST layer', () => {
  it('gets the presence of a space', async () => {
    const server = presenceServer();
    const answer = await getPresence('team', server.serverSettings);
    expect(answer.space).toBe('team');
    expect(answer.people.map(p => [p.username, p.documents])).toEqual([
      ['alice', ['spaces/team/train.ipynb']],
      ['bob', ['spaces/team/data/prepare.py', 'spaces/team/train.ipynb']]
    ]);
    expect(server.calls('GET', 'spaces/team/presence')).toHaveLength(1);
  });

  it('encodes the space name and reports a refusal and a malformed answer', async () => {
    const server = presenceServer();
    server.on('GET', 'spaces/a%20b/presence', 404, {
      message: 'no space a b',
      reason: 'not-found'
    });
    const error = failed(
      await getPresence('a b', server.serverSettings).then(unexpected, e => e)
    );
    expect(error.status).toBe(404);
    expect(error.reason).toBe('not-found');

    server.on('GET', 'spaces/team/presence', 200, { space: 'team' });
    const malformed = failed(
      await getPresence('team', server.serverSettings).then(unexpected, e => e)
    );
    expect(malformed.reason).toBe('invalid-response');
  });
});

describe('presenceSpaces', () => {
  it('keeps the shared spaces the user is a member of', () => {
    const spaces = PRESENCE_SPACES.map(space => validateSpace(copy(space)));
    expect(presenceSpaces(spaces).map(space => space.name)).toEqual([
      'team',
      'lab'
    ]);
  });
});

describe('PresenceModel', () => {
  let server: ReturnType<typeof presenceServer>;
  let studio: StudioModel;
  let model: PresenceModel;

  const create = async (refreshInterval = 60000) => {
    ({ studio, model } = presenceModels(server, refreshInterval));
    await model.ready;
  };

  beforeEach(() => {
    server = presenceServer();
  });

  afterEach(() => {
    model.dispose();
    studio.dispose();
  });

  it('asks about the shared spaces the user belongs to only', async () => {
    await create();
    expect(model.spaces.map(item => [item.space, item.people.length])).toEqual([
      ['lab', 0],
      ['team', 2]
    ]);
    expect(server.calls('GET', 'spaces/team/presence')).toHaveLength(1);
    expect(server.calls('GET', 'spaces/lab/presence')).toHaveLength(1);
    expect(server.calls('GET', 'spaces/mine/presence')).toHaveLength(0);
    expect(server.calls('GET', 'spaces/other/presence')).toHaveLength(0);
    expect(model.isMe('alice')).toBe(true);
    expect(model.isMe('bob')).toBe(false);
  });

  it('polls every few seconds by default', async () => {
    studio = new StudioModel({ serverSettings: server.serverSettings });
    model = new PresenceModel({
      studio,
      serverSettings: server.serverSettings
    });
    await model.ready;
    // the private poll's frequency: a few seconds
    const interval = (
      model as unknown as { poll: { frequency: { interval: number } } }
    ).poll.frequency.interval;
    expect(interval).toBeGreaterThanOrEqual(1000);
    expect(interval).toBeLessThanOrEqual(5000);
  });

  it('follows who comes and goes as it polls', async () => {
    await create(20);
    let changes = 0;
    model.changed.connect(() => changes++);
    server.on('GET', 'spaces/lab/presence', 200, presence('lab', [BOB]));
    server.on('GET', 'spaces/team/presence', 200, presence('team', [ALICE]));
    await until(() => model.spaces.every(item => item.people.length === 1));
    expect(model.spaces.map(item => item.people[0].username)).toEqual([
      'bob',
      'alice'
    ]);
    // several refreshes, each asking about both shared spaces
    await until(() => server.calls('GET', 'spaces/lab/presence').length >= 4);
    expect(server.calls('GET', 'spaces/other/presence')).toHaveLength(0);
    expect(changes).toBeGreaterThan(0);
  });

  it('keeps the people of a space that fails, with its error, and drops a 404', async () => {
    await create();
    server.on('GET', 'spaces/team/presence', 500, {
      message: 'boom',
      reason: 'internal'
    });
    server.on('GET', 'spaces/lab/presence', 404, {
      message: 'no space lab',
      reason: 'not-found'
    });
    await model.refresh();
    expect(model.error).toBeNull();
    expect(model.spaces.map(item => item.space)).toEqual(['team']);
    const [team] = model.spaces;
    expect(team.people.map(p => p.username)).toEqual(['alice', 'bob']);
    expect(team.error?.status).toBe(500);

    server.on('GET', 'spaces/team/presence', 200, presence('team', []));
    await model.refresh();
    expect(model.spaces[0].people).toEqual([]);
    expect(model.spaces[0].error).toBeNull();
  });

  it('reports a failed refresh when the server cannot be reached', async () => {
    await create();
    server.networkError = new Error('offline');
    await model.refresh().catch(() => undefined);
    expect(model.error?.reason).toBe('network-error');
    // what was known stays shown
    expect(model.spaces.map(item => item.space)).toEqual(['lab', 'team']);
  });

  it('refreshes at once when the user joins or leaves a shared space', async () => {
    await create();
    server.on('GET', 'spaces', 200, {
      items: [
        ...PRESENCE_SPACES,
        { ...PRESENCE_SPACES[1], name: 'zoo', path: 'spaces/zoo' }
      ],
      next: null
    });
    server.on(
      'GET',
      'spaces/zoo/presence',
      200,
      presence('zoo', [person('carol', 'Carol', ['spaces/zoo/x.ipynb'])])
    );
    await studio.refresh();
    await until(() => model.spaces.some(item => item.space === 'zoo'));
    expect(model.spaces.map(item => item.space)).toEqual([
      'lab',
      'team',
      'zoo'
    ]);

    // a studio refresh listing the same spaces does not ask again
    const asked = server.calls('GET', 'spaces/zoo/presence').length;
    await studio.refresh();
    await sleep(50);
    expect(server.calls('GET', 'spaces/zoo/presence')).toHaveLength(asked);
  });

  it('stops polling when disposed', async () => {
    await create(10);
    model.dispose();
    const asked = server.calls('GET', 'spaces/team/presence').length;
    await sleep(60);
    expect(server.calls('GET', 'spaces/team/presence')).toHaveLength(asked);
    expect(model.isDisposed).toBe(true);
  });
});
