/**
 * The feature store panel: feature groups on the left; the selected group's
 * statistics, schema, record lookup and histogram, then the SQL editor, on
 * the right.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { ErrorMessage } from '../../widgets/form';
import { groupListState } from '../../widgets/grouplist';
import { FeatureStoreModel } from '../model';
import {
  FEATURE_STORE_CLASS,
  FS_MAIN_CLASS,
  FS_SIDEBAR_CLASS,
  SECTION_TITLE_CLASS
} from './classes';
import { GroupSchema, GroupStats } from './details';
import { FeatureGroupList } from './groups';
import { HistogramSection } from './histogram';
import { RecordLookup } from './lookup';
import { SqlEditor } from './sql';

/** Refresh a model, leaving its error to be shown by the view. */
function reload(model: FeatureStoreModel): void {
  void model.reload().catch(() => {
    // The error is kept in `model.error` and shown.
  });
}

/** The selected group, or what stands in for it while it loads. */
function SelectedGroup(props: { model: FeatureStoreModel }): JSX.Element {
  const { model } = props;
  const group = model.group;
  if (model.selectedGroup === null) {
    return <p>Select a feature group to see its schema and records.</p>;
  }
  if (group === null) {
    return <p aria-busy="true">Loading {model.selectedGroup}…</p>;
  }
  return (
    <>
      <h2 className={SECTION_TITLE_CLASS}>{group.name}</h2>
      {group.description && <p>{group.description}</p>}
      <GroupStats stats={group.stats} />
      <GroupSchema group={group} />
      <RecordLookup
        key={group.name}
        group={group}
        lookup={model.lookup}
        onLookup={id => void model.lookupRecord(id)}
      />
      <HistogramSection
        features={model.histogramFeatures}
        feature={model.histogramFeature}
        histogram={model.histogram}
        error={model.histogramError}
        onFeature={feature => void model.selectHistogramFeature(feature)}
      />
    </>
  );
}

/** Render the feature store model. */
export function FeatureStoreView(props: {
  model: FeatureStoreModel;
}): JSX.Element {
  const { model } = props;
  return (
    <div className={FEATURE_STORE_CLASS}>
      <nav className={FS_SIDEBAR_CLASS} aria-label="Feature groups">
        <h2 className={SECTION_TITLE_CLASS}>Feature groups</h2>
        {!model.isReady ? (
          <p aria-busy="true">Loading feature groups…</p>
        ) : (
          <FeatureGroupList
            {...groupListState(model)}
            onRefresh={() => reload(model)}
          />
        )}
      </nav>
      <main className={FS_MAIN_CLASS} aria-label="Feature group">
        <ErrorMessage error={model.error} />
        <SelectedGroup model={model} />
        <SqlEditor
          sql={model.sql}
          query={model.query}
          groups={model.groups}
          onChange={sql => (model.sql = sql)}
          onRun={() => void model.runQuery()}
        />
      </main>
    </div>
  );
}

/**
 * A widget rendering the feature store; it refreshes the model whenever it
 * is shown again (the model's poll stands by while it is hidden).
 */
export class FeatureStorePanel extends ReactWidget {
  constructor(options: FeatureStorePanel.IOptions) {
    super();
    this.model = options.model;
    this.addClass(FEATURE_STORE_CLASS + '-widget');
  }

  /** The model rendered. */
  readonly model: FeatureStoreModel;

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed} initialSender={this.model}>
        {() => <FeatureStoreView model={this.model} />}
      </UseSignal>
    );
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.model.refresh().catch(() => {
      // The error is kept in `model.error` and shown.
    });
  }
}

/** A namespace for `FeatureStorePanel` statics. */
export namespace FeatureStorePanel {
  /** The options of the feature store panel. */
  export interface IOptions {
    model: FeatureStoreModel;
  }
}
