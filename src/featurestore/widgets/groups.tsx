/**
 * The left column of the feature store: a search box, the refresh button and
 * the feature groups.
 */
import { refreshIcon, ToolbarButtonComponent } from '@jupyterlab/ui-components';
import * as React from 'react';

import { EMPTY_CLASS } from '../../widgets/classes';
import { TextInput } from '../../widgets/form';
import type { IFeatureGroup } from '../api';
import {
  FS_TOOLBAR_CLASS,
  GROUP_BUTTON_CLASS,
  GROUP_DESCRIPTION_CLASS,
  GROUP_ITEM_CLASS,
  GROUP_LIST_CLASS,
  GROUP_META_CLASS,
  GROUP_NAME_CLASS,
  SELECTED_CLASS
} from './classes';

/** The stores a group writes to, e.g. `online + offline`. */
export function storesOf(group: IFeatureGroup): string {
  return [group.online && 'online', group.offline && 'offline']
    .filter(Boolean)
    .join(' + ');
}

/** The properties of the feature group list. */
export interface IFeatureGroupListProps {
  groups: ReadonlyArray<IFeatureGroup>;
  /** Whether any group exists (to tell "none" from "none matching"). */
  total: number;
  filter: string;
  selected: string | null;
  onFilter: (filter: string) => void;
  onSelect: (name: string) => void;
  onRefresh: () => void;
}

/** The list of feature groups with its search box and refresh button. */
export function FeatureGroupList(props: IFeatureGroupListProps): JSX.Element {
  const { groups, total, filter, selected } = props;
  return (
    <>
      <div className={FS_TOOLBAR_CLASS}>
        <TextInput
          type="search"
          label="Search feature groups"
          placeholder="Search by name"
          value={filter}
          onChange={props.onFilter}
        />
        <ToolbarButtonComponent
          icon={refreshIcon}
          tooltip="Refresh the feature store"
          onClick={props.onRefresh}
        />
      </div>
      {groups.length === 0 ? (
        <p className={EMPTY_CLASS}>
          {total === 0
            ? 'No feature groups yet. Create one with the Python client: StudioClient().featurestore.create_group(…)'
            : 'No group matches.'}
        </p>
      ) : (
        <ul className={GROUP_LIST_CLASS} aria-label="Feature groups">
          {groups.map(group => {
            const isSelected = group.name === selected;
            return (
              <li
                key={group.name}
                className={
                  GROUP_ITEM_CLASS + (isSelected ? ` ${SELECTED_CLASS}` : '')
                }
                aria-label={group.name}
                data-group={group.name}
              >
                <button
                  type="button"
                  className={GROUP_BUTTON_CLASS}
                  aria-current={isSelected ? 'true' : undefined}
                  onClick={() => props.onSelect(group.name)}
                >
                  <span className={GROUP_NAME_CLASS}>{group.name}</span>
                  <span className={GROUP_META_CLASS}>
                    {`${group.features.length} features · ${storesOf(group)}`}
                  </span>
                  {group.description && (
                    <span className={GROUP_DESCRIPTION_CLASS}>
                      {group.description}
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
