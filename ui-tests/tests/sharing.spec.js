// Notebook snapshots and share links end to end: alice shares a snapshot of a notebook (with an
// HTML output that tries to run a script) from the file browser's context menu and gets the
// link; bob, in his own browser context, opens the link, sees the read-only preview without any
// script running, and creates a copy that opens in his space; alice's sidebar shows the link
// with bob's open; once she revokes it, the link answers 410.
const { test, expect } = require('@playwright/test');
const path = require('path');

const { call, openStudio, post, signIn, waitForLab } = require('./helpers');

const shots = path.join(__dirname, '..', 'screenshots');
const ALICE_SPACE = 'alice-share';
const BOB_SPACE = 'bob-private';
const NOTEBOOK = 'churn-analysis.ipynb';

// The HTML a shared notebook's output carries: a script and an onerror handler, which must
// neither run in the preview nor in the copy.
const HOSTILE_HTML =
  '<script>window.__mlopsScriptRan = 1</script>' +
  '<img src=x onerror="window.__mlopsOnerror = 1"><b>hostile output</b>';

/** A notebook with a markdown cell and a code cell whose outputs are text and hostile HTML. */
function notebookContent() {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }
    },
    cells: [
      {
        id: 'intro',
        cell_type: 'markdown',
        metadata: {},
        source: '# Churn analysis\nAccuracy of the **baseline** model.'
      },
      {
        id: 'train',
        cell_type: 'code',
        metadata: {},
        execution_count: 1,
        source: 'print("accuracy 0.91")\ndisplay(HTML(report))',
        outputs: [
          { output_type: 'stream', name: 'stdout', text: 'accuracy 0.91\n' },
          { output_type: 'display_data', metadata: {}, data: { 'text/html': HOSTILE_HTML } }
        ]
      }
    ]
  };
}

/** The globals the hostile HTML would set, if any of it ran. */
function hostileGlobals(page) {
  return page.evaluate(() => ({
    script: window.__mlopsScriptRan,
    onerror: window.__mlopsOnerror
  }));
}

test('a snapshot shared from the context menu is previewed safely and copied by its recipient', async ({
  browser
}) => {
  // alice: a private space holding the notebook
  const alice = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await alice.newPage();
  await signIn(page, 'alice', 'alice-password', 'sharing');
  await post(page, '/spaces', { name: ALICE_SPACE, sharing: 'private' });
  await call(page, 'PUT', `/api/contents/spaces/${ALICE_SPACE}/${NOTEBOOK}`, {
    type: 'notebook',
    format: 'json',
    content: notebookContent()
  });

  // open the space in the file browser and share the notebook from its context menu
  const panel = await openStudio(page);
  await panel.getByRole('button', { name: 'Refresh spaces' }).click();
  await panel.getByRole('button', { name: `Open ${ALICE_SPACE}` }).click();
  await expect(page.locator('.jp-BreadCrumbs')).toContainText(ALICE_SPACE);
  const item = page.locator('.jp-DirListing-item[data-file-type="notebook"]', {
    hasText: NOTEBOOK
  });
  await item.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Share snapshot…' }).click();

  const dialog = page.getByRole('dialog', { name: `Share snapshot of ${NOTEBOOK}` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'Title' })).toHaveValue('churn-analysis');
  await dialog.getByRole('textbox', { name: 'Title' }).fill('Churn analysis');
  await dialog.getByRole('textbox', { name: 'Description' }).fill('Baseline results for bob');
  await dialog.getByRole('checkbox', { name: 'Include outputs' }).check();
  await dialog.getByRole('combobox', { name: 'Audience' }).selectOption('Named users');
  await dialog.getByRole('checkbox', { name: /@bob/ }).check();
  // the domain's default expiry is filled in
  await expect(dialog.getByRole('spinbutton', { name: 'Expires in (days)' })).toHaveValue('7');
  await dialog.getByRole('textbox', { name: 'Label' }).fill('for bob');
  await dialog.getByRole('button', { name: 'Create link' }).click();

  const linkBox = dialog.getByRole('textbox', { name: 'Share link' });
  await expect(linkBox).toHaveValue(/\/mlops-studio\/share\/mlsh_[A-Za-z0-9_-]{32}$/);
  const url = await linkBox.inputValue();
  await expect(dialog).toContainText('is shared with bob');
  await dialog.getByRole('button', { name: 'Copy link' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Link copied to the clipboard.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await page.screenshot({ path: path.join(shots, 'sharing-dialog-link.png') });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);

  // bob: his private space, then the link
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signIn(bob, 'bob', 'bob-password', 'sharing');
  await post(bob, '/spaces', { name: BOB_SPACE, sharing: 'private' });
  await bob.goto(url);
  await bob.waitForURL(/\/lab/);
  await waitForLab(bob);

  const preview = bob.locator('.jp-MlopsStudio-preview:visible');
  await expect(preview.getByRole('heading', { name: 'Churn analysis', level: 2 })).toBeVisible();
  const details = preview.getByRole('definition').filter({ hasText: 'alice' });
  await expect(details.first()).toBeVisible();
  await expect(preview.locator('[data-field="source"]')).toHaveText(
    `space ${ALICE_SPACE} · spaces/${ALICE_SPACE}/${NOTEBOOK}`
  );
  await expect(preview.locator('[data-field="lineage"]')).toHaveText('version 1 of 1');
  await expect(preview.locator('[data-field="outputs"]')).toHaveText('included');
  await expect(preview.locator('[data-field="link"]')).toContainText('alice · for bob');
  const cells = preview.getByRole('region', { name: 'Notebook cells' });
  await expect(cells.getByRole('heading', { level: 1 })).toContainText('Churn analysis');
  await expect(cells).toContainText('accuracy 0.91');
  await expect(cells).toContainText('print("accuracy 0.91")');
  // the HTML output is rendered sanitized: its text and image stay, the handlers do not
  await expect(cells.getByText('hostile output')).toBeVisible();
  await expect(cells.locator('img')).toHaveCount(1);
  await expect(cells.locator('img[onerror]')).toHaveCount(0);
  await expect(cells.locator('script')).toHaveCount(0);
  // the token is gone from the address, so that a reload does not reopen the preview
  expect(new URL(bob.url()).searchParams.get('mlops-share')).toBeNull();
  await bob.waitForTimeout(500);
  expect(await hostileGlobals(bob)).toEqual({ script: undefined, onerror: undefined });
  await bob.screenshot({ path: path.join(shots, 'sharing-preview.png') });

  // bob copies the notebook into his private space; the copy opens
  await preview.getByRole('button', { name: 'Create a copy' }).click();
  const copyDialog = bob.getByRole('dialog', { name: 'Create a copy' });
  await expect(copyDialog.getByRole('combobox', { name: 'Space' })).toHaveValue(BOB_SPACE);
  await expect(copyDialog.getByRole('textbox', { name: 'Name' })).toHaveValue(NOTEBOOK);
  await copyDialog.getByRole('button', { name: 'Create copy' }).click();
  await expect(copyDialog).toHaveCount(0);
  const copyTab = bob.getByRole('tab', { name: NOTEBOOK });
  await expect(copyTab).toBeVisible({ timeout: 30000 });
  const notebookPanel = bob.locator('.jp-NotebookPanel:visible');
  await expect(notebookPanel).toContainText('accuracy 0.91');
  const copy = await bob.request.get(`/api/contents/spaces/${BOB_SPACE}/${NOTEBOOK}`);
  expect(copy.status()).toBe(200);
  expect((await copy.json()).content.cells).toHaveLength(2);
  await bob.waitForTimeout(500);
  expect(await hostileGlobals(bob)).toEqual({ script: undefined, onerror: undefined });
  await bob.screenshot({ path: path.join(shots, 'sharing-copy-opened.png') });

  // alice's sidebar: the snapshot, its link for bob, opened once, by bob
  await openStudio(page);
  const mine = panel.getByRole('list', { name: 'My snapshots' });
  const snapshot = mine.getByRole('listitem', { name: 'Churn analysis v1' });
  await expect(snapshot).toBeVisible();
  // the links of a snapshot just shared are shown already; hiding and showing reloads them
  const toggle = snapshot.getByRole('button', { name: /links of Churn analysis v1$/ });
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(snapshot.getByRole('list')).toHaveCount(0);
  await toggle.click();
  const link = snapshot.getByRole('listitem', { name: 'for bob' });
  await expect(link).toContainText('for bob');
  await expect(link.locator('[data-field="opens"]')).toHaveText('1 open');
  await link.getByRole('button', { name: 'Opens of for bob' }).click();
  const opens = page.getByRole('dialog', { name: 'Opens of for bob' });
  await expect(opens.getByRole('list', { name: 'Opens' })).toContainText('bob');
  await opens.getByRole('button', { name: 'Close' }).click();
  await link.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'sharing-sidebar-snapshots.png') });

  // alice revokes the link: bob's next open is refused with 410
  await link.getByRole('button', { name: 'Revoke for bob' }).click();
  const revoke = page.getByRole('dialog', { name: 'Revoke for bob' });
  await revoke.getByRole('button', { name: 'Revoke link' }).click();
  await expect(revoke).toHaveCount(0);
  await expect(link).toHaveAttribute('data-state', 'revoked');
  const gone = await bob.request.get(url, { maxRedirects: 0 });
  expect(gone.status()).toBe(410);
  expect(await gone.text()).toContain('Share link no longer available');

  await alice.close();
  await bobContext.close();
});
