/**
 * The notice of an out-of-band change: parsing the state value, the message,
 * the watcher of a real shared notebook and the notification.
 */
import { YNotebook } from '@jupyter/ydoc';
import { Notification } from '@jupyterlab/apputils';
import type { JSONValue } from '@lumino/coreutils';
import { applyUpdate } from 'yjs';

import {
  HISTORY_ACTION_LABEL,
  IOutOfBandNotice,
  OUT_OF_BAND_KEY,
  outOfBandMessage,
  OutOfBandWatcher,
  parseOutOfBandNotice,
  showOutOfBandNotification
} from '../collab/notice';

const NOTICE = {
  version: 7,
  at: '2024-05-01T10:00:00+00:00',
  path: 'spaces/team/train.ipynb'
};

describe('parseOutOfBandNotice', () => {
  it('reads the JSON string the server sets, or the object', () => {
    expect(parseOutOfBandNotice(JSON.stringify(NOTICE))).toEqual(NOTICE);
    expect(parseOutOfBandNotice({ ...NOTICE })).toEqual(NOTICE);
    const { at: _, ...withoutTime } = NOTICE;
    expect(parseOutOfBandNotice(JSON.stringify(withoutTime))).toEqual({
      ...withoutTime,
      at: ''
    });
  });

  it('is null for nothing, or something malformed', () => {
    for (const value of [
      undefined,
      null,
      '',
      'not json',
      '[]',
      '42',
      JSON.stringify({ ...NOTICE, version: '7' }),
      JSON.stringify({ ...NOTICE, version: 1.5 }),
      JSON.stringify({ ...NOTICE, path: '' }),
      JSON.stringify({ ...NOTICE, path: 3 }),
      JSON.stringify({ ...NOTICE, at: 5 })
    ]) {
      expect(parseOutOfBandNotice(value)).toBeNull();
    }
  });
});

describe('outOfBandMessage', () => {
  it('names the path and the version keeping the previous content', () => {
    expect(outOfBandMessage(NOTICE)).toBe(
      "spaces/team/train.ipynb changed on disk; the room's previous content was kept as version 7"
    );
  });
});

describe('OutOfBandWatcher', () => {
  let notebook: YNotebook;
  let notices: IOutOfBandNotice[];
  let watcher: OutOfBandWatcher;
  const setNotice = (value: JSONValue) =>
    notebook.setState(OUT_OF_BAND_KEY, value);

  beforeEach(() => {
    notebook = new YNotebook();
    notices = [];
  });
  afterEach(() => {
    watcher?.dispose();
    notebook.dispose();
  });

  it('reports a notice set after it started, once', () => {
    watcher = new OutOfBandWatcher(notebook, notice => notices.push(notice));
    setNotice(JSON.stringify(NOTICE));
    expect(notices).toEqual([NOTICE]);
    // other state keys and an unchanged notice say nothing new
    notebook.setState('dirty', true);
    setNotice(JSON.stringify(NOTICE));
    expect(notices).toHaveLength(1);
    // the next change is reported
    const next = { ...NOTICE, version: 8 };
    setNotice(JSON.stringify(next));
    expect(notices).toEqual([NOTICE, next]);
  });

  it('does not report the notice the document held when it started', () => {
    setNotice(JSON.stringify(NOTICE));
    watcher = new OutOfBandWatcher(notebook, notice => notices.push(notice));
    expect(notices).toEqual([]);
    notebook.setState('dirty', false);
    expect(notices).toEqual([]);
  });

  it('ignores a malformed notice', () => {
    watcher = new OutOfBandWatcher(notebook, notice => notices.push(notice));
    setNotice('{"version": "x"}');
    expect(notices).toEqual([]);
    setNotice(JSON.stringify(NOTICE));
    expect(notices).toEqual([NOTICE]);
  });

  it('reports a notice coming from another client of the document', () => {
    // two documents synced like two clients of a room
    const remote = new YNotebook();
    watcher = new OutOfBandWatcher(notebook, notice => notices.push(notice));
    remote.ydoc.on('update', (update: Uint8Array) => {
      applyUpdate(notebook.ydoc, update);
    });
    remote.setState(OUT_OF_BAND_KEY, JSON.stringify(NOTICE));
    expect(notices).toEqual([NOTICE]);
    remote.dispose();
  });

  it('stops watching once disposed', () => {
    watcher = new OutOfBandWatcher(notebook, notice => notices.push(notice));
    watcher.dispose();
    expect(watcher.isDisposed).toBe(true);
    setNotice(JSON.stringify(NOTICE));
    expect(notices).toEqual([]);
  });
});

describe('showOutOfBandNotification', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    Notification.dismiss();
  });

  it('warns until dismissed, with an action opening the version history', () => {
    const warning = jest.spyOn(Notification, 'warning');
    const opened: string[] = [];
    const id = showOutOfBandNotification(NOTICE, path => opened.push(path));
    expect(typeof id).toBe('string');
    expect(warning).toHaveBeenCalledTimes(1);
    const [message, options] = warning.mock.calls[0];
    expect(message).toBe(outOfBandMessage(NOTICE));
    expect(options?.autoClose).toBe(false);
    expect(options?.actions?.map(action => action.label)).toEqual([
      HISTORY_ACTION_LABEL
    ]);
    options!.actions![0].callback(new MouseEvent('click'));
    expect(opened).toEqual([NOTICE.path]);
  });
});
