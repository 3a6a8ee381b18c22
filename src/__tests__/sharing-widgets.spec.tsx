import { defaultRenderMime } from '@jupyterlab/testutils';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import { act } from 'react';

import { SnapshotsModel } from '../sharing/model';
import {
  parseExpiry,
  ShareDialog,
  SnapshotPreview,
  SnapshotsDialog,
  SnapshotsView,
  writableSpaces
} from '../sharing/widgets';
import type { ISpace } from '../api';
import {
  buttonByText,
  byLabel,
  click,
  dialogNamed,
  flush,
  mountView,
  MountedView,
  queryButton,
  setValue,
  TestRoot
} from './dom';
import { FakeServer, makeSpace } from './fakeserver';
import {
  DOMAIN,
  makeLink,
  makeShared,
  makeSnapshot,
  sharingServer,
  TOKEN
} from './sharingfakes';

const SNAPSHOT = 'aaaaaaaaaaaaaaaa';

/** A checkbox by the text of its wrapping label. */
function checkbox(root: ParentNode, text: string): HTMLInputElement {
  for (const label of Array.from(root.querySelectorAll('label'))) {
    if (label.textContent?.includes(text)) {
      return label.querySelector('input[type="checkbox"]')!;
    }
  }
  throw new Error(`No checkbox ${text}`);
}

/** Set the value of a control inside `act`, as a user typing would. */
async function typeIn(
  element: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  value: string
): Promise<void> {
  await act(async () => setValue(element, value));
}

/** Submit the form of a dialog and let it settle. */
async function submit(dialog: HTMLElement): Promise<void> {
  await click(dialog.querySelector<HTMLButtonElement>('[type="submit"]')!);
  await flush();
}

describe('parseExpiry', () => {
  it('accepts whole days within the maximum, and empty only without one', () => {
    expect(parseExpiry('7', 90)).toEqual({ days: 7 });
    expect(parseExpiry('', null)).toEqual({ days: null });
    expect(parseExpiry('', 90)).toHaveProperty('error');
    expect(parseExpiry('91', 90)).toHaveProperty('error');
    expect(parseExpiry('1.5', null)).toHaveProperty('error');
    expect(parseExpiry('0', null)).toHaveProperty('error');
  });
});

describe('writableSpaces', () => {
  it('keeps the spaces the user writes, private ones first', () => {
    const spaces = [
      makeSpace('team', { sharing: 'shared', role: 'editor' }),
      makeSpace('reading', { sharing: 'shared', role: 'viewer' }),
      makeSpace('mine', { role: 'owner' }),
      makeSpace('other', { sharing: 'shared', role: null })
    ] as unknown as ISpace[];
    expect(writableSpaces(spaces).map(s => s.name)).toEqual(['mine', 'team']);
    expect(writableSpaces(spaces, true).map(s => s.name)).toEqual([
      'mine',
      'other',
      'team'
    ]);
  });
});

describe('ShareDialog', () => {
  let server: FakeServer;
  let model: SnapshotsModel;
  let root: TestRoot;
  let closed: number;
  let copied: string[];

  const TITLE = 'Share snapshot of churn.ipynb';

  const open = async () => {
    model = new SnapshotsModel({ serverSettings: server.serverSettings });
    await model.ready;
    closed = 0;
    copied = [];
    root = new TestRoot();
    await root.render(
      <ShareDialog
        model={model}
        path="spaces/team/churn.ipynb"
        onClose={() => closed++}
        copy={async text => {
          copied.push(text);
        }}
      />
    );
    await flush();
    return dialogNamed(TITLE)!;
  };

  const linkAnswer = {
    ...makeLink('l2', { audience: 'users', users: ['bob'] }),
    token: TOKEN,
    url: `http://localhost/mlops-studio/share/${TOKEN}`
  };

  beforeEach(() => {
    server = sharingServer()
      .on('POST', 'snapshots', 201, makeSnapshot(SNAPSHOT))
      .on('POST', `snapshots/${SNAPSHOT}/links`, 201, linkAnswer);
  });

  afterEach(() => {
    root.dispose();
    model.dispose();
  });

  it('fills in the file name and the domain default expiry', async () => {
    const dialog = await open();
    expect(byLabel<HTMLInputElement>(dialog, 'Title').value).toBe('churn');
    expect(byLabel<HTMLInputElement>(dialog, 'Expires in (days)').value).toBe(
      '7'
    );
    expect(checkbox(dialog, 'Include outputs').disabled).toBe(false);
    expect(checkbox(dialog, 'Include outputs').checked).toBe(false);
  });

  it('creates the snapshot, then the link, and shows the link to copy', async () => {
    const dialog = await open();
    await typeIn(byLabel(dialog, 'Title'), 'Churn analysis');
    await typeIn(byLabel(dialog, 'Description'), 'for the review');
    await click(checkbox(dialog, 'Include outputs'));
    await typeIn(byLabel(dialog, 'Audience'), 'Named users');
    await flush();
    // alice herself is not offered
    const users = byLabel(dialog, 'Users');
    expect(users.textContent).not.toContain('@alice');
    await click(checkbox(users, '@bob'));
    await typeIn(byLabel(dialog, 'Expires in (days)'), '3');
    await typeIn(byLabel(dialog, 'Label'), ' review ');
    await submit(dialog);

    expect(server.calls('POST', 'snapshots')[0].body).toEqual({
      path: 'spaces/team/churn.ipynb',
      title: 'Churn analysis',
      description: 'for the review',
      include_outputs: true
    });
    expect(server.calls('POST', `snapshots/${SNAPSHOT}/links`)[0].body).toEqual(
      { audience: 'users', users: ['bob'], expires_in_days: 3, label: 'review' }
    );
    const done = dialogNamed(TITLE)!;
    const link = byLabel<HTMLInputElement>(done, 'Share link');
    expect(link.value).toBe(linkAnswer.url);
    expect(done.textContent).toContain('shared with bob');
    await click(buttonByText(done, 'Copy link'));
    expect(copied).toEqual([linkAnswer.url]);
    expect(done.querySelector('[role="status"]')?.textContent).toBe(
      'Link copied to the clipboard.'
    );
    await click(buttonByText(done, 'Close'));
    expect(closed).toBe(1);
  });

  it('disables outputs with the reason when the domain forbids them', async () => {
    server.on('GET', 'domain', 200, {
      ...DOMAIN,
      settings: { ...DOMAIN.settings, snapshots_allow_outputs: false }
    });
    const dialog = await open();
    const outputs = checkbox(dialog, 'Include outputs');
    expect(outputs.disabled).toBe(true);
    expect(dialog.textContent).toContain(
      'Your domain does not allow outputs in snapshots'
    );
    await submit(dialog);
    expect(
      (server.calls('POST', 'snapshots')[0].body as any).include_outputs
    ).toBe(false);
  });

  it('refuses an expiry beyond the domain maximum before asking the server', async () => {
    const dialog = await open();
    await typeIn(byLabel(dialog, 'Expires in (days)'), '120');
    await flush();
    expect(dialog.textContent).toContain('Links expire within 90 days');
    expect(
      dialog.querySelector<HTMLButtonElement>('[type="submit"]')!.disabled
    ).toBe(true);
  });

  it('shows the server error inline and retries only the link', async () => {
    server.on('POST', `snapshots/${SNAPSHOT}/links`, 400, {
      message: 'unknown users: zed',
      reason: 'unknown-user'
    });
    const dialog = await open();
    await submit(dialog);
    const alert = dialog.querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe('unknown users: zed');
    expect(alert.getAttribute('data-reason')).toBe('unknown-user');
    expect(dialog.textContent).toContain(
      'Version 1 of the snapshot was created'
    );
    expect(
      byLabel<HTMLInputElement>(dialog, 'Title').closest('fieldset')!.disabled
    ).toBe(true);

    server.on('POST', `snapshots/${SNAPSHOT}/links`, 201, linkAnswer);
    await submit(dialog);
    expect(server.calls('POST', 'snapshots')).toHaveLength(1);
    expect(server.calls('POST', `snapshots/${SNAPSHOT}/links`)).toHaveLength(2);
    expect(
      byLabel<HTMLInputElement>(dialogNamed(TITLE)!, 'Share link').value
    ).toBe(linkAnswer.url);
  });

  it('keeps the dialog open with the error when the snapshot is refused', async () => {
    server.on('POST', 'snapshots', 413, {
      message: 'the notebook has 200 bytes, more than the limit of 100',
      reason: 'too-large'
    });
    const dialog = await open();
    await submit(dialog);
    expect(dialog.querySelector('[role="alert"]')!.textContent).toContain(
      'more than the limit'
    );
    expect(server.calls('POST', `snapshots/${SNAPSHOT}/links`)).toHaveLength(0);
    expect(closed).toBe(0);
  });
});

describe('SnapshotPreview', () => {
  let server: FakeServer;
  let preview: SnapshotPreview;
  let opened: string[];
  let copies: string[];

  const show = async (source: SnapshotPreview.IOptions['source']) => {
    opened = [];
    copies = [];
    preview = new SnapshotPreview({
      source,
      rendermime: defaultRenderMime(),
      serverSettings: server.serverSettings,
      spaces: () =>
        [
          makeSpace('team', { sharing: 'shared', role: 'editor' }),
          makeSpace('bob-private', { owner: 'bob' })
        ] as unknown as ISpace[],
      onOpenSnapshot: id => opened.push(id),
      onOpenCopy: path => copies.push(path)
    });
    await act(async () => {
      Widget.attach(preview, document.body);
      await preview.ready;
    });
    await flush();
    return preview.node;
  };

  beforeEach(() => {
    delete (window as any).__mlopsScriptRan;
    delete (window as any).__mlopsOnerror;
    server = new FakeServer()
      .on('GET', `shared/${TOKEN}`, 200, makeShared())
      .on('POST', `shared/${TOKEN}/copy`, 201, {
        space: 'bob-private',
        path: 'spaces/bob-private/churn-copy.ipynb',
        snapshot: SNAPSHOT
      });
  });

  afterEach(() => act(() => preview.dispose()));

  it('shows the details of the snapshot and of the link', async () => {
    const node = await show({ kind: 'link', token: TOKEN });
    const field = (name: string) =>
      node.querySelector(`[data-field="${name}"]`)!.textContent;
    expect(node.querySelector('h2')!.textContent).toBe('Churn analysis');
    expect(field('author')).toBe('alice');
    expect(field('source')).toBe('space team · spaces/team/churn.ipynb');
    expect(field('git')).toBe(
      'https://git.example/churn.git · branch main · commit 0123456789ab (uncommitted changes)'
    );
    expect(field('lineage')).toBe('version 1 of 1');
    expect(field('outputs')).toBe('included');
    expect(field('link')).toContain('alice · for bob · expires');
    expect(preview.title.label).toBe('Churn analysis (snapshot v1)');
    expect(queryButton(node, 'Create a copy')).not.toBeNull();
  });

  it('renders the cells untrusted: sanitized HTML, no script runs', async () => {
    const node = await show({ kind: 'link', token: TOKEN });
    const cells = node.querySelector('[aria-label="Notebook cells"]')!;
    // (the test renderers have no markdown parser: the text is shown as is)
    const markdown = cells.querySelector('[data-cell-type="markdown"]')!;
    expect(markdown.textContent).toContain('# Churn analysis');
    expect(cells.textContent).toContain('print("accuracy 0.91")');
    expect(cells.textContent).toContain('[3]:');
    expect(cells.textContent).toContain('accuracy 0.91');
    expect(cells.querySelector('b')?.textContent).toBe('hostile output');
    expect(cells.querySelector('script')).toBeNull();
    const img = cells.querySelector('img');
    expect(img).not.toBeNull();
    expect(img!.hasAttribute('onerror')).toBe(false);
    img!.dispatchEvent(new Event('error'));
    expect((window as any).__mlopsScriptRan).toBeUndefined();
    expect((window as any).__mlopsOnerror).toBeUndefined();
    // the source is text, never HTML
    expect(cells.querySelector('[data-cell-type="code"] pre')!.innerHTML).toBe(
      'print("accuracy 0.91")'
    );
  });

  it('copies into the chosen space, then opens the copy', async () => {
    const node = await show({ kind: 'link', token: TOKEN });
    await click(buttonByText(node, 'Create a copy'));
    const dialog = dialogNamed('Create a copy')!;
    // private spaces first: the default target
    expect(byLabel<HTMLSelectElement>(dialog, 'Space').value).toBe(
      'bob-private'
    );
    expect(byLabel<HTMLInputElement>(dialog, 'Name').value).toBe('churn.ipynb');
    await typeIn(byLabel(dialog, 'Name'), 'churn-copy.ipynb');
    await submit(dialog);
    expect(server.calls('POST', `shared/${TOKEN}/copy`)[0].body).toEqual({
      space: 'bob-private',
      name: 'churn-copy.ipynb'
    });
    expect(copies).toEqual(['spaces/bob-private/churn-copy.ipynb']);
    expect(dialogNamed('Create a copy')).toBeNull();
  });

  it('keeps the copy dialog open with the server error', async () => {
    server.on('POST', `shared/${TOKEN}/copy`, 403, {
      message: 'you cannot write in space team',
      reason: 'forbidden'
    });
    const node = await show({ kind: 'link', token: TOKEN });
    await click(buttonByText(node, 'Create a copy'));
    const dialog = dialogNamed('Create a copy')!;
    await submit(dialog);
    expect(dialog.querySelector('[role="alert"]')!.textContent).toBe(
      'you cannot write in space team'
    );
    expect(copies).toEqual([]);
    await click(buttonByText(dialog, 'Cancel'));
  });

  it('offers the newer snapshot of the lineage', async () => {
    server.on(
      'GET',
      `shared/${TOKEN}`,
      200,
      makeShared({ newer: { id: 'cccccccccccccccc', version: 2, title: 'v2' } })
    );
    const node = await show({ kind: 'link', token: TOKEN });
    await click(buttonByText(node, 'Open newer snapshot (version 2)'));
    expect(opened).toEqual(['cccccccccccccccc']);
  });

  it('previews a snapshot by id, without a copy (no token)', async () => {
    server.on(
      'GET',
      `snapshots/${SNAPSHOT}/notebook`,
      200,
      makeShared({ link: null })
    );
    const node = await show({ kind: 'snapshot', id: SNAPSHOT });
    expect(node.textContent).toContain('accuracy 0.91');
    expect(node.querySelector('[data-field="link"]')).toBeNull();
    expect(queryButton(node, 'Create a copy')).toBeNull();
  });

  it.each([
    [410, 'This share link is no longer available'],
    [403, 'This snapshot is not shared with you'],
    [404, 'Share link or snapshot not found']
  ])('explains a %i clearly', async (status, title) => {
    server.on('GET', `shared/${TOKEN}`, status, {
      message: `server says ${status}`,
      reason: 'x'
    });
    const node = await show({ kind: 'link', token: TOKEN });
    expect(node.querySelector('h2')!.textContent).toBe(title);
    expect(node.querySelector('[role="alert"]')!.textContent).toBe(
      `server says ${status}`
    );
    expect(node.querySelector('[aria-label="Notebook cells"]')).toBeNull();
    expect(preview.title.label).toBe(title);
  });
});

describe('SnapshotsView', () => {
  let server: FakeServer;
  let model: SnapshotsModel;
  let view: MountedView<SnapshotsDialog>;
  let container: HTMLElement;
  let opened: string[];

  beforeEach(async () => {
    server = sharingServer();
    model = new SnapshotsModel({ serverSettings: server.serverSettings });
    await model.ready;
    opened = [];
    view = await mountView<SnapshotsDialog>((dialog, onDialog) => (
      <SnapshotsView
        model={model}
        dialog={dialog}
        onDialog={onDialog}
        onOpen={id => opened.push(id)}
      />
    ));
    container = view.container;
    model.changed.connect(() => void view.update());
  });

  afterEach(() => {
    view.dispose();
    model.dispose();
  });

  const expand = async () => {
    const item = byLabel(
      byLabel(container, 'My snapshots'),
      'Churn analysis v1'
    );
    await click(byLabel(item, 'Show links of Churn analysis v1'));
    await flush();
    return byLabel(container, 'for bob');
  };

  it('lists my snapshots and those shared with me, which open previews', async () => {
    const mine = byLabel(container, 'My snapshots');
    expect(mine.textContent).toContain('v1 · spaces/team/churn.ipynb');
    const shared = byLabel(container, 'Shared with me');
    expect(shared.textContent).toContain('by carol');
    await click(buttonByText(shared, 'Churn analysis'));
    await click(buttonByText(mine, 'Churn analysis'));
    expect(opened).toEqual(['bbbbbbbbbbbbbbbb', SNAPSHOT]);
  });

  it('shows a link with its audience, expiry and opens', async () => {
    const link = await expand();
    expect(link.querySelector('[data-field="audience"]')!.textContent).toBe(
      'for bob'
    );
    expect(link.querySelector('[data-field="expiry"]')!.textContent).toMatch(
      /^expires /
    );
    expect(link.querySelector('[data-field="opens"]')!.textContent).toBe(
      '1 open'
    );
  });

  it('revokes a link after confirmation', async () => {
    const revokedLink = makeLink('l1', {
      state: 'revoked',
      revoked_at: '2026-03-02T00:00:00Z'
    });
    server.on('DELETE', 'links/l1', 200, revokedLink);
    const link = await expand();
    server.on('GET', `snapshots/${SNAPSHOT}/links`, 200, {
      items: [revokedLink],
      next: null
    });
    await click(byLabel(link, 'Revoke for bob'));
    await submit(dialogNamed('Revoke for bob')!);
    expect(server.calls('DELETE', 'links/l1')).toHaveLength(1);
    expect(dialogNamed('Revoke for bob')).toBeNull();
    const revoked = byLabel(container, 'for bob');
    expect(revoked.getAttribute('data-state')).toBe('revoked');
    expect(revoked.querySelector('[data-field="expiry"]')!.textContent).toBe(
      'revoked'
    );
    expect(byLabel<HTMLButtonElement>(revoked, 'Revoke for bob').disabled).toBe(
      true
    );
  });

  it('extends a link by the days typed', async () => {
    server.on('PATCH', 'links/l1', 200, makeLink('l1'));
    const link = await expand();
    await click(byLabel(link, 'Extend for bob'));
    const dialog = dialogNamed('Extend for bob')!;
    await typeIn(byLabel(dialog, 'Days to add'), '30');
    await submit(dialog);
    const body = server.calls('PATCH', 'links/l1')[0].body as {
      expires_in_days: number;
    };
    // from the link's expiry (in the past for this fixture: from now)
    expect(body.expires_in_days).toBeGreaterThanOrEqual(30);
    expect(dialogNamed('Extend for bob')).toBeNull();
  });

  it('lists who opened a link', async () => {
    server.on('GET', 'links/l1/opens', 200, {
      items: [{ username: 'bob', at: '2026-03-02T00:00:00+00:00' }],
      next: null
    });
    const link = await expand();
    await click(byLabel(link, 'Opens of for bob'));
    const dialog = dialogNamed('Opens of for bob')!;
    expect(byLabel(dialog, 'Opens').textContent).toContain('bob');
  });

  it('says so when there is nothing', async () => {
    server.routes['GET snapshots'] = () => ({
      status: 200,
      body: { items: [], next: null }
    });
    await model.refresh();
    await flush();
    expect(container.textContent).toContain('No snapshots yet');
    expect(container.textContent).toContain('Nothing is shared with you.');
  });
});
