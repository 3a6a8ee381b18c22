/**
 * The left column of the feature store: a search box, the refresh button and
 * the feature groups.
 */
import { refreshIcon, ToolbarButtonComponent } from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  type IGroupListState,
  SearchableGroupList
} from '../../widgets/grouplist';
import type { IFeatureGroup } from '../api';
import { FS_TOOLBAR_CLASS } from './classes';

/** The stores a group writes to, e.g. `online + offline`. */
export function storesOf(group: IFeatureGroup): string {
  return [group.online && 'online', group.offline && 'offline']
    .filter(Boolean)
    .join(' + ');
}

/** The properties of the feature group list. */
export interface IFeatureGroupListProps extends IGroupListState<IFeatureGroup> {
  onRefresh: () => void;
}

/** The list of feature groups with its search box and refresh button. */
export function FeatureGroupList(props: IFeatureGroupListProps): JSX.Element {
  const { onRefresh, ...list } = props;
  return (
    <SearchableGroupList
      {...list}
      toolbarClass={FS_TOOLBAR_CLASS}
      toolbar={
        <ToolbarButtonComponent
          icon={refreshIcon}
          tooltip="Refresh the feature store"
          onClick={onRefresh}
        />
      }
      searchLabel="Search feature groups"
      listLabel="Feature groups"
      noneText="No feature groups yet. Create one with the Python client: StudioClient().featurestore.create_group(…)"
      meta={group => `${group.features.length} features · ${storesOf(group)}`}
    />
  );
}
