// Browser tests run in Debian's Chromium (never a downloaded browser) against a studio server
// that start-server.sh creates from scratch on port $STUDIO_UI_PORT (8888 by default).
const port = process.env.STUDIO_UI_PORT || '8888';
const baseURL = `http://127.0.0.1:${port}`;

module.exports = {
  testDir: './tests',
  timeout: 120000,
  expect: { timeout: 20000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    video: 'off',
    trace: 'off',
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic'
      ]
    }
  },
  webServer: {
    command: 'bash ./start-server.sh',
    env: { ...process.env, STUDIO_UI_PORT: port },
    url: `${baseURL}/login`,
    timeout: 120000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe'
  }
};
