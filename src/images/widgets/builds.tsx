/**
 * The Image builds section of the Studio sidebar: the builds of the user's
 * spaces with their status, the live log of the one selected, Cancel and
 * Copy image URI.
 */
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { BADGE_CLASS } from '../../registry/widgets/classes';
import { DateText } from '../../registry/widgets/versions';
import {
  STATUS_CLASS,
  TITLE_BUTTON_CLASS,
  ACTIONS_CLASS
} from '../../sharing/widgets/classes';
import { copyText } from '../../sharing/widgets/sharedialog';
import {
  BUTTON_CLASS,
  DANGER_BUTTON_CLASS,
  EMPTY_CLASS
} from '../../widgets/classes';
import { DialogHostWidget } from '../../widgets/dialoghost';
import { ErrorMessage, FormDialog } from '../../widgets/form';
import type { BuildStatus, IBuild, ILogLine } from '../api';
import { BuildLog, isActive } from '../log';
import { ImageBuildsModel, imageName } from '../model';
import {
  BUILD_ITEM_CLASS,
  BUILD_LIST_CLASS,
  BUILD_LOG_CLASS,
  BUILD_META_CLASS,
  BUILD_NAME_CLASS,
  BUILDS_CLASS,
  CACHED_CLASS,
  LOG_END_CLASS,
  LOG_LINE_CLASS,
  LOG_PHASE_CLASS,
  LOG_STATUS_CLASS
} from './classes';
import { LogPane } from './logpane';

/** The dialog the builds section shows, if any. */
export type BuildsDialog = { kind: 'cancel'; build: IBuild } | null;

/** A build's status as a badge. */
export function BuildStatusBadge(props: { status: BuildStatus }): JSX.Element {
  return (
    <span
      className={BADGE_CLASS}
      data-status={props.status}
      title={`Status: ${props.status}`}
    >
      {props.status}
    </span>
  );
}

/** How long a build took (or has taken so far), in words. */
export function durationText(
  build: Pick<IBuild, 'started_at' | 'ended_at'>,
  now: number = Date.now()
): string | null {
  if (!build.started_at) {
    return null;
  }
  const start = Date.parse(build.started_at);
  const end = build.ended_at ? Date.parse(build.ended_at) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) {
    return null;
  }
  const seconds = Math.max(0, Math.round((end - start) / 1000));
  return seconds < 60
    ? `${seconds} s`
    : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** A log's lines grouped under the phase they follow. */
export interface ILogSection {
  /** The phase, `null` for the lines before the first phase. */
  phase: ILogLine | null;
  lines: ILogLine[];
}

/** Group a log's lines by phase (status lines stay where they are). */
export function logSections(lines: ReadonlyArray<ILogLine>): ILogSection[] {
  const sections: ILogSection[] = [{ phase: null, lines: [] }];
  for (const line of lines) {
    if (line.kind === 'phase') {
      sections.push({ phase: line, lines: [] });
    } else {
      sections[sections.length - 1].lines.push(line);
    }
  }
  return sections.filter(
    section => section.phase !== null || section.lines.length > 0
  );
}

/** The properties of the log view. */
export interface IBuildLogViewProps {
  log: BuildLog;
  build: IBuild | null;
}

/**
 * A build's log: phases as headings, lines in a monospace pane that follows
 * the end (unless scrolled up), and the final status once the build ended.
 */
export function BuildLogView(props: IBuildLogViewProps): JSX.Element {
  const { log, build } = props;
  const count = log.lines.length;
  const name = build ? imageName(build) : log.id;
  const status = log.complete ? log.status : (log.status ?? build?.status);
  return (
    <section className={BUILD_LOG_CLASS} aria-label={`Log of ${name}`}>
      <LogPane label={`Build log of ${name}`} busy={!log.complete} size={count}>
        {count === 0 && !log.complete && (
          <p className={LOG_LINE_CLASS}>Waiting for the log…</p>
        )}
        {logSections(log.lines).map(section => (
          <React.Fragment key={section.phase?.seq ?? 0}>
            {section.phase && (
              <h4 className={LOG_PHASE_CLASS} data-seq={section.phase.seq}>
                {section.phase.text}
              </h4>
            )}
            {section.lines.map(line =>
              line.kind === 'status' ? (
                <div
                  key={line.seq}
                  className={LOG_STATUS_CLASS}
                  data-seq={line.seq}
                >
                  status: {line.text}
                </div>
              ) : (
                <div
                  key={line.seq}
                  className={LOG_LINE_CLASS}
                  data-seq={line.seq}
                >
                  {line.text}
                </div>
              )
            )}
          </React.Fragment>
        ))}
      </LogPane>
      {log.complete && status && (
        <p className={LOG_END_CLASS} data-status={status} role="status">
          Build {status}
          {build?.failure_reason ? `: ${build.failure_reason}` : '.'}
        </p>
      )}
      <ErrorMessage error={log.error} />
    </section>
  );
}

/** The properties of a build item. */
interface IBuildItemProps {
  model: ImageBuildsModel;
  build: IBuild;
  onDialog: (dialog: BuildsDialog) => void;
  copy: (text: string) => Promise<void>;
}

/** One build: status, image, space, cache marker, times and actions. */
function BuildItem(props: IBuildItemProps): JSX.Element {
  const { model, build, onDialog, copy } = props;
  const [copied, setCopied] = React.useState('');
  const name = imageName(build);
  const selected = model.selected === build.id;
  const duration = durationText(build);
  const copyURI = async () => {
    try {
      await copy(build.image_uri ?? '');
      setCopied('Image URI copied.');
    } catch {
      setCopied('Copying failed.');
    }
  };
  return (
    <li
      className={BUILD_ITEM_CLASS}
      aria-label={`Build ${name}`}
      data-build={build.id}
      data-status={build.status}
    >
      <div>
        <BuildStatusBadge status={build.status} />{' '}
        <button
          type="button"
          className={`${TITLE_BUTTON_CLASS} ${BUILD_NAME_CLASS}`}
          aria-expanded={selected}
          title={selected ? 'Hide the log' : 'Show the log'}
          onClick={() => model.select(selected ? null : build.id)}
        >
          {name}
        </button>
      </div>
      <div className={BUILD_META_CLASS}>
        <span data-field="space">{build.space}</span>
        {' · '}
        <span data-field="backend">{build.backend}</span>
        {build.cached_from && (
          <>
            {' · '}
            <span
              className={CACHED_CLASS}
              data-field="cached"
              title={`The image of build ${build.cached_from}`}
            >
              cached
            </span>
          </>
        )}
        {' · '}
        <DateText value={build.created_at} />
        {duration && (
          <>
            {' · '}
            <span data-field="duration">{duration}</span>
          </>
        )}
      </div>
      {build.image_uri && (
        <div className={BUILD_META_CLASS} data-field="image-uri">
          {build.image_uri}
        </div>
      )}
      <div className={ACTIONS_CLASS}>
        <button
          type="button"
          className={BUTTON_CLASS}
          aria-expanded={selected}
          aria-label={`${selected ? 'Hide log' : 'Log'} of ${name}`}
          onClick={() => model.select(selected ? null : build.id)}
        >
          {selected ? 'Hide log' : 'Log'}
        </button>
        {isActive(build.status) && (
          <button
            type="button"
            className={DANGER_BUTTON_CLASS}
            aria-label={`Cancel ${name}`}
            onClick={() => onDialog({ kind: 'cancel', build })}
          >
            Cancel…
          </button>
        )}
        {build.image_uri && (
          <button
            type="button"
            className={BUTTON_CLASS}
            aria-label={`Copy image URI of ${name}`}
            onClick={() => void copyURI()}
          >
            Copy image URI
          </button>
        )}
      </div>
      {copied && (
        <p className={STATUS_CLASS} role="status">
          {copied}
        </p>
      )}
      {selected && model.log && <BuildLogView log={model.log} build={build} />}
    </li>
  );
}

/** Cancel a queued or running build, after a confirmation. */
export function CancelBuildDialog(props: {
  model: ImageBuildsModel;
  build: IBuild;
  onClose: () => void;
}): JSX.Element {
  const { model, build, onClose } = props;
  return (
    <FormDialog
      title={`Cancel build of ${imageName(build)}`}
      submitLabel="Cancel build"
      danger
      valid
      onSubmit={() => model.cancel(build)}
      onClose={onClose}
    >
      <p>
        The build is stopped ({build.backend}); it ends with the status Stopped
        and pushes no image.
      </p>
    </FormDialog>
  );
}

/** The properties of the builds view. */
export interface IBuildsViewProps {
  model: ImageBuildsModel;
  dialog: BuildsDialog;
  onDialog: (dialog: BuildsDialog) => void;
  /** Copy an image URI; `copyText` by default. */
  copy?: (text: string) => Promise<void>;
}

/** Render the builds, the log of the selected one, and the open dialog. */
export function BuildsView(props: IBuildsViewProps): JSX.Element {
  const { model, dialog, onDialog } = props;
  const copy = props.copy ?? copyText;
  return (
    <div className={BUILDS_CLASS}>
      <ErrorMessage error={model.error} />
      {!model.isReady ? (
        <p aria-busy="true">Loading builds…</p>
      ) : model.builds.length === 0 ? (
        <p className={EMPTY_CLASS}>
          No builds yet: right-click a folder with a Dockerfile in a space and
          choose Build image…
        </p>
      ) : (
        <ul className={BUILD_LIST_CLASS} aria-label="Image builds">
          {model.builds.map(build => (
            <BuildItem
              key={build.id}
              model={model}
              build={build}
              onDialog={onDialog}
              copy={copy}
            />
          ))}
        </ul>
      )}
      {dialog?.kind === 'cancel' && (
        <CancelBuildDialog
          model={model}
          build={dialog.build}
          onClose={() => onDialog(null)}
        />
      )}
    </div>
  );
}

/**
 * A widget rendering the Image builds section; it re-renders when the model
 * or the log it follows changes (the model forwards the log's changes).
 */
export class BuildsWidget extends DialogHostWidget<
  ImageBuildsModel,
  BuildsDialog
> {
  constructor(model: ImageBuildsModel) {
    super(model);
    this.addClass(BUILDS_CLASS + '-widget');
  }

  /** Refresh whenever the section shows (the poll stands by while hidden). */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.model.refresh();
  }

  protected renderView(dialog: BuildsDialog): JSX.Element {
    return (
      <BuildsView
        model={this.model}
        dialog={dialog}
        onDialog={next => this.openDialog(next)}
      />
    );
  }
}
