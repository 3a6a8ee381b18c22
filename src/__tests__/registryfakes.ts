/**
 * Registry fixtures for tests: groups, versions, audit entries and a fake
 * server answering the registry routes (on top of `FakeServer`).
 */
import { FakeServer, ME } from './fakeserver';

export const REGISTRY_ME = {
  ...ME,
  username: 'maria',
  display_name: 'Maria Ops',
  personas: ['mlops'],
  permissions: ['registry:read', 'registry:groups', 'registry:approve']
};

export function makeGroup(
  name: string,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    name,
    description: `The ${name} models`,
    tags: {},
    project: null,
    space: null,
    owner: 'alice',
    initial_status: 'PendingManualApproval',
    gate_failure: 'refuse',
    publish_to_gallery: false,
    latest_version: 3,
    aliases: { production: 2 },
    rules: [],
    created_at: '2026-01-01T00:00:00+00:00',
    updated_at: '2026-01-01T00:00:00+00:00',
    ...overrides
  };
}

export function makeVersion(
  group: string,
  version: number,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    group,
    version,
    status: 'PendingManualApproval',
    status_comment: '',
    description: '',
    aliases: [],
    artifact: {
      uri: `registry://${group}/${version}/model.pkl`,
      digest: 'sha256:abc123',
      size: 1024,
      kind: 'upload'
    },
    framework: 'sklearn',
    framework_version: '1.5.0',
    metrics: { accuracy: 0.8 + version / 100, loss: 0.5 - version / 100 },
    hyperparameters: { C: 1.0, kernel: 'rbf' },
    tags: {},
    customer_metadata: {},
    lineage: { space: 'team', notebook: 'train.ipynb' },
    model_card: {
      markdown: '# Churn model\nIt predicts churn.',
      status: 'Draft'
    },
    registered_by: 'alice',
    created_at: `2026-01-0${version}T00:00:00+00:00`,
    updated_at: `2026-01-0${version}T00:00:00+00:00`,
    gate: {
      passed: true,
      overridden: false,
      results: [
        {
          rule: {
            metric: 'accuracy',
            kind: 'threshold',
            op: '>=',
            threshold: 0.8
          },
          passed: true,
          value: 0.8 + version / 100,
          compared_with: 0.8,
          message: 'accuracy >= 0.8'
        }
      ]
    },
    ...overrides
  };
}

export function makeAudit(
  version: number,
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    id: 1,
    version,
    actor: 'alice',
    at: '2026-01-02T00:00:00+00:00',
    from_status: null,
    to_status: 'PendingManualApproval',
    comment: 'registered',
    kind: 'status',
    ...overrides
  };
}

/**
 * A fake server with group `churn` (versions 1-3, `production` on 2) and
 * group `fraud` (no versions), answering /me with `me`.
 */
export function registryServer(me: Record<string, unknown> = REGISTRY_ME) {
  const versions = [
    makeVersion('churn', 3),
    makeVersion('churn', 2, { aliases: ['production'], status: 'Approved' }),
    makeVersion('churn', 1, { metrics: { loss: 0.6 } })
  ];
  return new FakeServer()
    .on('GET', 'me', 200, me)
    .on('GET', 'registry/groups', 200, {
      items: [
        makeGroup('fraud', { latest_version: null, aliases: {} }),
        makeGroup('churn')
      ],
      next: null
    })
    .on('GET', 'registry/groups/churn/versions', 200, {
      items: versions,
      next: null
    })
    .on('GET', 'registry/groups/fraud/versions', 200, {
      items: [],
      next: null
    })
    .on('GET', 'registry/groups/churn/versions/3/audit', 200, {
      items: [makeAudit(3)],
      next: null
    })
    .on('GET', 'registry/groups/churn/versions/2/audit', 200, {
      items: [
        makeAudit(2),
        makeAudit(2, {
          id: 2,
          actor: 'maria',
          from_status: 'PendingManualApproval',
          to_status: 'Approved',
          comment: 'looks good'
        })
      ],
      next: null
    });
}
