/**
 * The registry panel: groups on the left; the selected group's versions,
 * metric chart and the selected version's details on the right.
 */
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { DialogHostWidget } from '../../widgets/dialoghost';
import { ErrorMessage } from '../../widgets/form';
import { groupListState } from '../../widgets/grouplist';
import type { IRegistryVersion } from '../api';
import { RegistryModel, RegistryPermissions } from '../model';
import {
  REGISTRY_CLASS,
  REGISTRY_MAIN_CLASS,
  REGISTRY_SIDEBAR_CLASS,
  SECTION_TITLE_CLASS
} from './classes';
import { VersionDetails } from './details';
import { NewGroupDialog, ReviewStatus, StatusDialog } from './dialogs';
import { GroupList } from './groups';
import { MetricSection, VersionsTable } from './versions';

/** The dialog the registry panel shows, if any. */
export type RegistryDialog =
  | { kind: 'new-group' }
  | {
      kind: 'status';
      version: IRegistryVersion;
      status: ReviewStatus;
    }
  | null;

/** The properties of the registry view. */
export interface IRegistryViewProps {
  model: RegistryModel;
  dialog: RegistryDialog;
  onDialog: (dialog: RegistryDialog) => void;
  onOpenNotebook?: (path: string) => void;
}

/** Render the registry model and the open dialog. */
export function RegistryView(props: IRegistryViewProps): JSX.Element {
  const { model, dialog, onDialog, onOpenNotebook } = props;
  const group = model.group;
  const versions = model.versions;
  const version = model.version;
  const metrics = model.metricNames;
  const close = () => onDialog(null);
  const selectVersion = (n: number) => void model.selectVersion(n);

  return (
    <div className={REGISTRY_CLASS}>
      <nav className={REGISTRY_SIDEBAR_CLASS} aria-label="Model package groups">
        <h2 className={SECTION_TITLE_CLASS}>Model groups</h2>
        {!model.isReady ? (
          <p aria-busy="true">Loading model groups…</p>
        ) : (
          <GroupList
            {...groupListState(model)}
            canCreate={model.can(RegistryPermissions.groups)}
            onNew={() => onDialog({ kind: 'new-group' })}
          />
        )}
      </nav>
      <main className={REGISTRY_MAIN_CLASS} aria-label="Model group">
        <ErrorMessage error={model.error} />
        {model.selectedGroup === null ? (
          <p>Select a model group to see its versions.</p>
        ) : (
          <>
            <h2 className={SECTION_TITLE_CLASS}>{model.selectedGroup}</h2>
            {group?.description && <p>{group.description}</p>}
            {versions === null ? (
              <p aria-busy="true">Loading versions…</p>
            ) : versions.length === 0 ? (
              <p>No versions registered yet.</p>
            ) : (
              <>
                <VersionsTable
                  versions={versions}
                  metrics={metrics}
                  selected={model.selectedVersion}
                  onSelect={selectVersion}
                />
                <MetricSection
                  versions={versions}
                  metrics={metrics}
                  metric={model.metric}
                  selected={model.selectedVersion}
                  onMetric={metric => (model.metric = metric)}
                  onSelect={selectVersion}
                />
              </>
            )}
            {version && (
              <VersionDetails
                key={`${version.group}/${version.version}`}
                version={version}
                audit={model.audit}
                canApprove={model.can(RegistryPermissions.approve)}
                canEditAliases={model.can(RegistryPermissions.groups)}
                onStatus={status =>
                  onDialog({ kind: 'status', version, status })
                }
                onSetAlias={(alias, n) => model.setAlias(alias, n)}
                onDeleteAlias={alias => model.deleteAlias(alias)}
                onOpenNotebook={onOpenNotebook}
              />
            )}
          </>
        )}
      </main>
      {dialog?.kind === 'new-group' && (
        <NewGroupDialog model={model} onClose={close} />
      )}
      {dialog?.kind === 'status' && (
        <StatusDialog
          model={model}
          version={dialog.version}
          status={dialog.status}
          onClose={close}
        />
      )}
    </div>
  );
}

/**
 * A widget rendering the registry; it refreshes the model whenever it is
 * shown again (the model's poll stands by while it is hidden).
 */
export class RegistryPanel extends DialogHostWidget<
  RegistryModel,
  RegistryDialog
> {
  constructor(options: RegistryPanel.IOptions) {
    super(options.model);
    this._onOpenNotebook = options.onOpenNotebook;
    this.addClass(REGISTRY_CLASS + '-widget');
  }

  protected renderView(dialog: RegistryDialog): JSX.Element {
    return (
      <RegistryView
        model={this.model}
        dialog={dialog}
        onDialog={next => this.openDialog(next)}
        onOpenNotebook={this._onOpenNotebook}
      />
    );
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.model.refresh().catch(() => {
      // The error is kept in `model.error` and shown.
    });
  }

  private _onOpenNotebook?: (path: string) => void;
}

/** A namespace for `RegistryPanel` statics. */
export namespace RegistryPanel {
  /** The options of the registry panel. */
  export interface IOptions {
    model: RegistryModel;
    /** Open a notebook by path; lineage notebooks are plain text without it. */
    onOpenNotebook?: (path: string) => void;
  }
}
