// Co-editing in a shared space (acceptance 6 of the issue) and document history.
//
// 1. alice and bob, editors in two browser contexts, each see the other's edits and the other's
//    cursor (jupyter-collaboration's remote cursor and name flag in CodeMirror); carol, a viewer,
//    sees their edits live, cannot type into a cell (the text stays, the edit never reaches
//    alice), and the version history she opens from the palette offers her no Save or Restore.
// 2. alice saves a version from the notebook's Version history panel, edits the cell, views the
//    saved version, restores it: the content returns for her and for bob (the restore is an
//    edit of the room; what it replaced is kept). Then the file is rewritten on disk: the disk
//    wins, both are told which version keeps the room's previous content, and bob opens the
//    history from the notification.
//
// The server is shared with the other specs: spaces and the viewer get unique names.
const { test, expect } = require('@playwright/test');
const path = require('path');

const { API, call, notebook, post, signIn, waitForLab } = require('./helpers');

const shots = path.join(__dirname, '..', 'screenshots');
const RUN = Date.now().toString(36);
const ADMIN_TOKEN = 'ui-tests-admin-token';

/** A shared space of alice's with members (`{username: role}`) and a one-cell notebook. */
async function sharedNotebook(alice, space, file, source, members) {
  await post(alice, '/spaces', { name: space, sharing: 'shared', description: 'co-editing' });
  for (const [username, role] of Object.entries(members)) {
    await call(alice, 'PUT', `${API}/spaces/${space}/members/${username}`, { role });
  }
  const notebookPath = `spaces/${space}/${file}`;
  await call(alice, 'PUT', `/api/contents/${notebookPath}`, notebook(source));
  return notebookPath;
}

/** Sign `username` in, in a browser context of their own, and open `notebookPath`. */
async function openAs(browser, username, password, prefix, notebookPath) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, username, password, prefix);
  await page.goto(`/lab/workspaces/${prefix}-${username}/tree/${notebookPath}`);
  await waitForLab(page);
  return { context, page };
}

/** The visible notebook's first code cell and its editor's content. */
function firstCell(page) {
  const cell = page.locator('.jp-NotebookPanel:visible .jp-CodeCell').first();
  return { cell, editor: cell.locator('.cm-content') };
}

/** Type `text` at the end of the first cell. */
async function typeAtEnd(page, text) {
  const { editor } = firstCell(page);
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
}

/** The notification toast saying that `notebookPath` changed on disk. */
function outOfBandToast(page, notebookPath) {
  return page
    .locator('.Toastify__toast')
    .filter({ hasText: `${notebookPath} changed on disk; the room's previous content was kept as version` });
}

test('editors see each other live with their cursors; a viewer sees and cannot type', async ({
  browser,
  playwright,
  baseURL
}) => {
  const SPACE = `coedit-${RUN}`;
  const VIEWER = `carol-${RUN}`;
  const SOURCE = "total = sum(range(10))";

  // the domain admin (server token) adds the viewer's profile
  const admin = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { Authorization: `token ${ADMIN_TOKEN}` }
  });
  const created = await admin.post(`${API}/users`, {
    data: {
      username: VIEWER,
      password: 'carol-password',
      display_name: 'Carol Viewer',
      personas: ['data-scientist']
    }
  });
  expect(created.status(), await created.text()).toBe(201);

  // alice: a shared space, bob an editor, carol a viewer, a notebook
  const aliceContext = await browser.newContext();
  const alice = await aliceContext.newPage();
  await signIn(alice, 'alice', 'alice-password', 'coedit');
  const NOTEBOOK = await sharedNotebook(alice, SPACE, 'pair.ipynb', SOURCE, {
    bob: 'editor',
    [VIEWER]: 'viewer'
  });
  await alice.goto(`/lab/workspaces/coedit-alice/tree/${NOTEBOOK}`);
  await waitForLab(alice);
  const { cell: aliceCell, editor: aliceEditor } = firstCell(alice);
  await expect(aliceEditor).toHaveText(SOURCE);

  const { context: bobContext, page: bob } = await openAs(
    browser,
    'bob',
    'bob-password',
    'coedit',
    NOTEBOOK
  );
  const { cell: bobCell, editor: bobEditor } = firstCell(bob);
  await expect(bobEditor).toHaveText(SOURCE);

  // alice types: bob sees her text, her cursor in the cell and her name on it
  await typeAtEnd(alice, '  # from alice');
  await expect(aliceEditor).toHaveText(`${SOURCE}  # from alice`);
  await expect(bobEditor).toHaveText(`${SOURCE}  # from alice`);
  await expect(bobCell.locator('.jp-remote-cursor')).toHaveCount(1);
  await expect(
    bob.locator('.jp-remote-userFlag-name').filter({ hasText: 'Alice Analyst' })
  ).toHaveCount(1);
  await bob.screenshot({ path: path.join(shots, 'coedit-bob-sees-alice.png') });

  // bob types: alice sees his text, his cursor and his name
  await typeAtEnd(bob, ' and bob');
  const both = `${SOURCE}  # from alice and bob`;
  await expect(bobEditor).toHaveText(both);
  await expect(aliceEditor).toHaveText(both);
  await expect(aliceCell.locator('.jp-remote-cursor')).toHaveCount(1);
  await expect(
    alice.locator('.jp-remote-userFlag-name').filter({ hasText: 'Bob Builder' })
  ).toHaveCount(1);
  await alice.screenshot({ path: path.join(shots, 'coedit-alice-sees-bob.png') });

  // carol, a viewer, sees their edits, read-only
  const { context: carolContext, page: carol } = await openAs(
    browser,
    VIEWER,
    'carol-password',
    'coedit',
    NOTEBOOK
  );
  const { editor: carolEditor } = firstCell(carol);
  await expect(carolEditor).toHaveText(both);
  const panel = carol.locator('.jp-NotebookPanel:visible');
  await expect(panel.getByRole('status').filter({ hasText: 'View only' })).toBeVisible();

  // her typing changes nothing, for her or for the editors
  await carolEditor.click();
  await carol.keyboard.press('Control+End');
  await carol.keyboard.type(' # carol was here');
  await carol.keyboard.press('Enter');
  await carol.keyboard.type('y = 2');
  await expect(carolEditor).toHaveText(both);
  // an edit of hers would reach alice within the propagation time the editors' edits took
  await alice.waitForTimeout(3000);
  await expect(aliceEditor).toHaveText(both);
  await expect(bobEditor).toHaveText(both);

  // she still sees the editors' edits live
  await typeAtEnd(alice, '!');
  await expect(carolEditor).toHaveText(`${both}!`);
  await carol.screenshot({ path: path.join(shots, 'coedit-viewer-read-only.png') });

  // the version history, from the palette: she may view versions, not save or restore them
  const saved = await call(alice, 'POST', `${API}/collab/history?path=${encodeURIComponent(NOTEBOOK)}`, {
    label: 'pair session'
  }, 201);
  expect(saved).toMatchObject({ reason: 'saved', author: 'alice', label: 'pair session' });
  await call(
    carol,
    'POST',
    `${API}/collab/history?path=${encodeURIComponent(NOTEBOOK)}`,
    { label: 'not mine to save' },
    403
  );
  await carolEditor.click();
  await carol.keyboard.press('Control+Shift+C');
  const palette = carol.locator('#command-palette');
  await palette.locator('input').fill('Studio: Version history');
  await palette.locator('.lm-CommandPalette-item', { hasText: 'Studio: Version history' }).first().click();
  const history = carol.locator('.jp-MlopsStudio-history:visible');
  await expect(history).toBeVisible();
  await expect(carol.getByRole('tab', { name: 'History: pair.ipynb' })).toBeVisible();
  const row = history.getByRole('row', { name: `Version ${saved.version}` });
  await expect(row).toContainText('pair session');
  await expect(row).toContainText('alice');
  await expect(row.getByRole('button', { name: `View version ${saved.version}` })).toBeVisible();
  await expect(history.getByRole('button', { name: /^Restore version/ })).toHaveCount(0);
  await expect(history.getByRole('button', { name: 'Save version' })).toHaveCount(0);
  await expect(history).toContainText('for the editors of its space');
  await carol.screenshot({ path: path.join(shots, 'coedit-viewer-history.png') });

  await carolContext.close();
  await bobContext.close();
  await aliceContext.close();
  await admin.dispose();
});

test('save a version from the history panel, edit, restore it: the content returns for everyone', async ({
  browser
}) => {
  const SPACE = `coedit-history-${RUN}`;
  const SOURCE = "model = 'baseline'";

  const aliceContext = await browser.newContext();
  const alice = await aliceContext.newPage();
  await signIn(alice, 'alice', 'alice-password', 'coedit-history');
  const NOTEBOOK = await sharedNotebook(alice, SPACE, 'hist.ipynb', SOURCE, { bob: 'editor' });
  await alice.goto(`/lab/workspaces/coedit-history-alice/tree/${NOTEBOOK}`);
  await waitForLab(alice);
  const { editor: aliceEditor } = firstCell(alice);
  await expect(aliceEditor).toHaveText(SOURCE);

  const { context: bobContext, page: bob } = await openAs(
    browser,
    'bob',
    'bob-password',
    'coedit-history',
    NOTEBOOK
  );
  const { editor: bobEditor } = firstCell(bob);
  await expect(bobEditor).toHaveText(SOURCE);

  // the notebook's toolbar button opens its version history
  await alice
    .locator('.jp-NotebookPanel:visible [data-jp-item-name="mlops-version-history"]')
    .getByRole('button')
    .click();
  const history = alice.locator('.jp-MlopsStudio-history:visible');
  await expect(history).toBeVisible();
  await expect(alice.getByRole('tab', { name: 'History: hist.ipynb' })).toBeVisible();
  await expect(history).toContainText(NOTEBOOK);

  // save a version with a label
  await history.getByRole('button', { name: 'Save version' }).click();
  const saveDialog = alice.getByRole('dialog', { name: 'Save a version' });
  await saveDialog.getByLabel('Label (optional)').fill('baseline');
  await saveDialog.getByRole('button', { name: 'Save version' }).click();
  await expect(saveDialog).toHaveCount(0);
  const status = history.getByRole('status');
  await expect(status).toHaveText(/^Version \d+ saved: baseline$/);
  const version = Number((await status.textContent()).match(/^Version (\d+)/)[1]);
  const savedRow = history.getByRole('row', { name: `Version ${version}` });
  await expect(savedRow).toContainText('Saved');
  await expect(savedRow).toContainText('baseline');
  await expect(savedRow).toContainText('alice');
  await alice.screenshot({ path: path.join(shots, 'coedit-history-saved.png') });

  // edit the notebook: bob sees the edit
  const EDITED = `${SOURCE}  # tuned by alice`;
  await alice.locator('.jp-NotebookPanel .jp-CodeCell .cm-content').first().click();
  await alice.keyboard.press('Control+End');
  await alice.keyboard.type('  # tuned by alice');
  await expect(alice.locator('.jp-NotebookPanel .jp-CodeCell .cm-content').first()).toHaveText(EDITED);
  await expect(bobEditor).toHaveText(EDITED);

  // View: a read-only preview of the saved version's cells
  await history.getByRole('button', { name: `View version ${version}` }).click();
  const preview = alice.locator('.jp-MlopsStudio-versionPreview:visible');
  await expect(preview).toBeVisible();
  await expect(preview.getByRole('heading', { name: `Version ${version} of hist.ipynb` })).toBeVisible();
  await expect(preview.getByRole('region', { name: 'Notebook cells' }).locator('pre')).toHaveText(SOURCE);
  await alice.screenshot({ path: path.join(shots, 'coedit-history-preview.png') });

  // Restore, confirmed: the notebook holds the saved version again, for alice and for bob
  await alice.getByRole('tab', { name: 'History: hist.ipynb' }).click();
  await history.getByRole('button', { name: `Restore version ${version}` }).click();
  const restoreDialog = alice.getByRole('dialog', { name: `Restore version ${version}?` });
  await expect(restoreDialog).toContainText(`${NOTEBOOK} is replaced by version ${version}`);
  await restoreDialog.getByRole('button', { name: 'Restore' }).click();
  await expect(restoreDialog).toHaveCount(0);
  await expect(status).toHaveText(new RegExp(`^Version ${version} restored: ${NOTEBOOK} holds it now`));
  await expect(alice.locator('.jp-NotebookPanel .jp-CodeCell .cm-content').first()).toHaveText(SOURCE, {
    timeout: 30000
  });
  await expect(bobEditor).toHaveText(SOURCE, { timeout: 30000 });

  await alice.screenshot({ path: path.join(shots, 'coedit-history-restored.png') });

  // the restore was an edit of the room: what it replaced (alice's edit) is kept, by her
  const listed = await call(alice, 'GET', `${API}/collab/history?path=${encodeURIComponent(NOTEBOOK)}`);
  expect(listed.items[0].reason).toBe('before-restore');
  expect(listed.items[0].author).toBe('alice');
  const before = await call(
    alice,
    'GET',
    `${API}/collab/history/${listed.items[0].version}?path=${encodeURIComponent(NOTEBOOK)}`
  );
  const beforeSource = before.content.cells[0].source;
  expect(Array.isArray(beforeSource) ? beforeSource.join('') : beforeSource).toBe(EDITED);

  // another program rewrites the file while the room is open: the disk wins, and both are told
  // which version keeps the room's previous content
  const FROM_DISK = "model = 'from disk'";
  await call(alice, 'PUT', `/api/contents/${NOTEBOOK}`, notebook(FROM_DISK));
  await expect(alice.locator('.jp-NotebookPanel .jp-CodeCell .cm-content').first()).toHaveText(FROM_DISK, {
    timeout: 30000
  });
  await expect(bobEditor).toHaveText(FROM_DISK, { timeout: 30000 });
  const aliceToast = outOfBandToast(alice, NOTEBOOK);
  const bobToast = outOfBandToast(bob, NOTEBOOK);
  await expect(aliceToast).toBeVisible();
  await expect(bobToast).toBeVisible();
  const kept = Number(
    (await bobToast.textContent()).match(/was kept as version (\d+)/)[1]
  );
  await alice.waitForTimeout(1000); // the toast slides in
  await alice.screenshot({ path: path.join(shots, 'coedit-history-out-of-band.png') });

  // that version holds the restored content the disk replaced; the list says why each was kept
  const keptVersion = await call(
    alice,
    'GET',
    `${API}/collab/history/${kept}?path=${encodeURIComponent(NOTEBOOK)}`
  );
  expect(keptVersion.reason).toBe('out-of-band');
  const keptSource = keptVersion.content.cells[0].source;
  expect(Array.isArray(keptSource) ? keptSource.join('') : keptSource).toBe(SOURCE);
  await history.getByRole('button', { name: 'Reload' }).click();
  await expect(history.getByRole('row', { name: `Version ${kept}` })).toContainText(
    'Kept before a change on disk'
  );
  await expect(history.getByRole('row', { name: /^Version / }).filter({ hasText: 'Kept before a restore' })).toHaveCount(1);

  // bob opens the version history from his notification
  await bobToast.getByRole('button', { name: 'Version history' }).click();
  const bobHistory = bob.locator('.jp-MlopsStudio-history:visible');
  await expect(bobHistory).toBeVisible();
  await expect(bobHistory.getByRole('row', { name: `Version ${kept}` })).toBeVisible();
  await expect(bobHistory.getByRole('row', { name: `Version ${version}` })).toContainText('baseline');
  await expect(bobToast).toHaveCount(0); // the action closed the notification
  await bob.screenshot({ path: path.join(shots, 'coedit-history-bob-notified.png') });

  await bobContext.close();
  await aliceContext.close();
});
