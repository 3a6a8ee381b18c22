// What the browser tests share: signing in, calling the studio API with the browser's login,
// opening the Studio sidebar, and running a cell in a new notebook of a space.
const { expect } = require('@playwright/test');

const API = '/mlops-studio/api/v1';

/** Wait until JupyterLab has started (its splash screen is gone). */
async function waitForLab(page) {
  await expect(page.locator('#jupyterlab-splash')).toHaveCount(0, { timeout: 60000 });
}

/**
 * Sign in and load JupyterLab in the workspace `<prefix>-<username>`: the default workspace is
 * one layout shared by every user of the server, so another user's tabs would be restored in it.
 */
async function signIn(page, username, password, prefix) {
  const workspace = `/lab/workspaces/${prefix}-${username}`;
  await page.goto(`/login?next=${encodeURIComponent(workspace)}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/lab\/workspaces\//);
  await waitForLab(page);
}

/**
 * Call the server with the browser's login: its cookies and the `_xsrf` header. The answer must
 * be `status` (any 2xx when omitted); its JSON body is returned.
 */
async function call(page, method, route, body, status) {
  const cookies = await page.context().cookies();
  const xsrf = cookies.find(cookie => cookie.name === '_xsrf');
  expect(xsrf, 'the login sets an _xsrf cookie').toBeTruthy();
  const response = await page.request.fetch(route, {
    method,
    data: body,
    headers: { 'X-XSRFToken': xsrf.value }
  });
  const message = `${method} ${route}: ${await response.text()}`;
  if (status === undefined) {
    expect(response.ok(), message).toBeTruthy();
  } else {
    expect(response.status(), message).toBe(status);
  }
  return response.json();
}

/** POST to the studio API, expecting 201. */
function post(page, route, body) {
  return call(page, 'POST', API + route, body, 201);
}

/** Show the Studio side panel and return it. */
async function openStudio(page) {
  const tab = page.locator('li[data-id="jp-mlops-studio-panel"]');
  await expect(tab).toBeVisible();
  const panel = page.locator('#jp-mlops-studio-panel');
  if (!(await panel.isVisible())) {
    await tab.click();
  }
  await expect(panel).toBeVisible();
  return panel;
}

/**
 * Resolve when the next kernel websocket of the page carries the kernel's `kernel_info_reply`.
 *
 * JupyterLab loses a cell run asked for before that answer: on a busy machine the kernel can
 * take seconds to answer, long after the notebook shows it as idle.
 */
function kernelAnswered(page) {
  return page
    .waitForEvent('websocket', {
      predicate: ws => ws.url().includes('/api/kernels/'),
      timeout: 60000
    })
    .then(ws =>
      ws.waitForEvent('framereceived', {
        predicate: frame => String(frame.payload).includes('"kernel_info_reply"'),
        timeout: 60000
      })
    );
}

/**
 * Open `space` in the file browser from the Studio panel `studio`, start a notebook there from a
 * new launcher and wait until its kernel has answered; return the notebook's tab.
 */
async function openNotebookInSpace(page, studio, space) {
  await studio.getByRole('button', { name: 'Refresh spaces' }).click();
  await studio.getByRole('button', { name: `Open ${space}` }).click();
  await expect(page.locator('.jp-BreadCrumbs')).toContainText(space);
  await page.locator('.jp-FileBrowser').getByRole('button', { name: 'New Launcher' }).click();
  const launcher = page.locator('.jp-Launcher:visible');
  await expect(launcher).toContainText(space);
  const kernelReady = kernelAnswered(page);
  await launcher.locator('.jp-LauncherCard[data-category="Notebook"]').first().click();
  const tab = page.getByRole('tab', { name: /\.ipynb/ });
  await expect(tab).toBeVisible();
  await kernelReady;
  return tab;
}

/** Type `source` into the visible notebook's first cell, run it and return the cell. */
async function runFirstCell(page, source) {
  const cell = page.locator('.jp-NotebookPanel:visible .jp-CodeCell').first();
  await cell.locator('.cm-content').click();
  await page.keyboard.type(source);
  await expect(cell.locator('.cm-content')).toHaveText(source.replace(/\n/g, ''));
  await page.keyboard.press('Shift+Enter');
  return cell;
}

/** A one-cell notebook, as the contents API takes it. */
function notebook(source) {
  return {
    type: 'notebook',
    format: 'json',
    content: {
      cells: [
        {
          cell_type: 'code',
          source,
          metadata: {},
          outputs: [],
          execution_count: null
        }
      ],
      metadata: {
        kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' }
      },
      nbformat: 4,
      nbformat_minor: 5
    }
  };
}

module.exports = {
  API,
  call,
  notebook,
  kernelAnswered,
  openNotebookInSpace,
  openStudio,
  post,
  runFirstCell,
  signIn,
  waitForLab
};
