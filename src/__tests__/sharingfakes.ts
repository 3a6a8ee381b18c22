/**
 * Sharing fixtures for tests: snapshots, links, a notebook with hostile
 * HTML outputs and a fake server answering the sharing routes.
 */
import { FakeServer, makeSpace, ME } from './fakeserver';

export const SHARING_ME = {
  ...ME,
  permissions: ['spaces:create', 'snapshots:create', 'snapshots:share']
};

export const TOKEN = 'mlsh_' + 'a'.repeat(32);

export function makeSnapshot(
  id: string,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    id,
    version: 1,
    title: 'Churn analysis',
    description: 'Baseline results',
    author: 'alice',
    space: 'team',
    path: 'spaces/team/churn.ipynb',
    kernelspec: { name: 'python3' },
    git: {
      remote: 'https://git.example/churn.git',
      branch: 'main',
      commit: '0123456789abcdef0123',
      dirty: true
    },
    include_outputs: true,
    from_live_document: false,
    digest: 'sha256:abc',
    size: 1234,
    cells: 2,
    created_at: '2026-03-01T10:00:00+00:00',
    lineage: [{ id, version: 1 }],
    ...overrides
  };
}

export function makeLink(
  id: string,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    id,
    snapshot: 'aaaaaaaaaaaaaaaa',
    audience: 'users',
    users: ['bob'],
    label: 'for bob',
    created_by: 'alice',
    created_at: '2026-03-01T10:00:00+00:00',
    expires_at: '2026-03-08T10:00:00+00:00',
    revoked_at: null,
    state: 'active',
    opens: 1,
    ...overrides
  };
}

/** The HTML of an output that would set globals if any of it ran. */
export const HOSTILE_HTML =
  '<script>window.__mlopsScriptRan = 1</script>' +
  '<img src="x" onerror="window.__mlopsOnerror = 1"><b>hostile output</b>';

/** A notebook: a markdown cell, a code cell with text and hostile HTML outputs. */
export function makeNotebook(): Record<string, unknown> {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        id: 'intro',
        cell_type: 'markdown',
        metadata: {},
        source: ['# Churn analysis\n', 'The **baseline** model.']
      },
      {
        id: 'train',
        cell_type: 'code',
        metadata: {},
        execution_count: 3,
        source: 'print("accuracy 0.91")',
        outputs: [
          { output_type: 'stream', name: 'stdout', text: 'accuracy 0.91\n' },
          {
            output_type: 'display_data',
            metadata: {},
            data: { 'text/html': HOSTILE_HTML }
          }
        ]
      }
    ]
  };
}

/** The answer of `GET /shared/{token}`. */
export function makeShared(
  snapshotOverrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    snapshot: {
      ...makeSnapshot('aaaaaaaaaaaaaaaa'),
      newer: null,
      link: {
        id: 'l1',
        label: 'for bob',
        created_by: 'alice',
        expires_at: '2026-03-08T10:00:00+00:00'
      },
      ...snapshotOverrides
    },
    notebook: makeNotebook()
  };
}

export const DOMAIN = {
  name: 'studio',
  updated_at: '2026-01-01T00:00:00+00:00',
  settings: {
    snapshots_allow_outputs: true,
    share_link_default_expiry_days: 7,
    share_link_max_expiry_days: 90
  }
};

/**
 * A fake server: alice has snapshot `aaaaaaaaaaaaaaaa` with link `l1`;
 * `bbbbbbbbbbbbbbbb` by carol is shared with her; users bob and carol.
 */
export function sharingServer(): FakeServer {
  const server = new FakeServer()
    .on('GET', 'me', 200, SHARING_ME)
    .on('GET', 'spaces', 200, {
      items: [makeSpace('alice-private')],
      next: null
    })
    .on('GET', 'domain', 200, DOMAIN)
    .on('GET', 'users', 200, {
      items: ['alice', 'bob', 'carol'].map(username => ({
        username,
        display_name: username.toUpperCase(),
        personas: ['data-scientist'],
        created_at: '2026-01-01T00:00:00+00:00'
      })),
      next: null
    })
    .on('GET', 'snapshots/aaaaaaaaaaaaaaaa/links', 200, {
      items: [makeLink('l1')],
      next: null
    });
  server.routes['GET snapshots'] = request => ({
    status: 200,
    body: {
      items:
        request.query.get('scope') === 'shared'
          ? [makeSnapshot('bbbbbbbbbbbbbbbb', { author: 'carol' })]
          : [makeSnapshot('aaaaaaaaaaaaaaaa')],
      next: null
    }
  });
  return server;
}
