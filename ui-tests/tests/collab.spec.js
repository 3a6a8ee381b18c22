// A viewer of a shared space opens its notebook read-only: alice's cell is there, a "View only"
// label says why, and typing into the cell or command-mode shortcuts (insert, change type, cut,
// delete, undo) change nothing; once alice makes bob an editor,
// bob's open notebook turns writable at the Studio model's next refresh, without reopening.
const { test, expect } = require('@playwright/test');
const path = require('path');

const { API, call, notebook, post, signIn, waitForLab } = require('./helpers');

const shots = path.join(__dirname, '..', 'screenshots');
const SPACE = 'team-collab';
const NOTEBOOK = `spaces/${SPACE}/shared.ipynb`;
const SOURCE = "print('hello from alice')";

test('a viewer opens a shared notebook read-only until made an editor', async ({ browser }) => {
  // alice: a shared space, bob a viewer of it, a notebook with one cell
  const aliceContext = await browser.newContext();
  const alice = await aliceContext.newPage();
  await signIn(alice, 'alice', 'alice-password', 'collab');
  await post(alice, '/spaces', { name: SPACE, sharing: 'shared', description: 'co-editing' });
  await call(alice, 'PUT', `${API}/spaces/${SPACE}/members/bob`, { role: 'viewer' });
  await call(alice, 'PUT', `/api/contents/${NOTEBOOK}`, notebook(SOURCE));

  // bob, in his own browser context, opens it
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signIn(bob, 'bob', 'bob-password', 'collab');
  await bob.goto(`/lab/workspaces/collab-bob/tree/${NOTEBOOK}`);
  await waitForLab(bob);
  const panel = bob.locator('.jp-NotebookPanel:visible');
  const editor = panel.locator('.jp-CodeCell').first().locator('.cm-content');
  await expect(editor).toHaveText(SOURCE);

  const indicator = panel.getByRole('status').filter({ hasText: 'View only' });
  await expect(indicator).toBeVisible();
  await expect(indicator).toHaveAttribute(
    'title',
    `You are a viewer of space ${SPACE}: your edits would not be saved`
  );

  // typing into the cell changes nothing
  await editor.click();
  await bob.keyboard.press('End');
  await bob.keyboard.type(' # bob was here');
  await bob.keyboard.press('Enter');
  await bob.keyboard.type('x = 1');
  await expect(editor).toHaveText(SOURCE);

  // nor do command-mode shortcuts: insert below, change to markdown, cut, delete, undo
  await bob.keyboard.press('Escape');
  for (const keys of [['b'], ['m'], ['x'], ['d', 'd'], ['z']]) {
    for (const key of keys) {
      await bob.keyboard.press(key);
    }
    await expect(panel.locator('.jp-Cell')).toHaveCount(1);
    await expect(panel.locator('.jp-CodeCell')).toHaveCount(1);
    await expect(editor).toHaveText(SOURCE);
  }
  await bob.screenshot({ path: path.join(shots, 'collab-viewer-read-only.png') });

  // alice makes bob an editor: his notebook turns writable at the model's next refresh
  await call(alice, 'PUT', `${API}/spaces/${SPACE}/members/bob`, { role: 'editor' });
  await expect(indicator).toHaveCount(0, { timeout: 30000 });
  await editor.click();
  await bob.keyboard.press('Control+End');
  await bob.keyboard.type(' # bob was here');
  await expect(editor).toHaveText(`${SOURCE} # bob was here`);
  await bob.screenshot({ path: path.join(shots, 'collab-editor-writable.png') });

  await aliceContext.close();
  await bobContext.close();
});
