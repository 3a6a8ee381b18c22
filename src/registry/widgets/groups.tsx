/**
 * The left column of the registry: the model package groups, a search box
 * and the "New group" button.
 */
import * as React from 'react';

import { PRIMARY_BUTTON_CLASS } from '../../widgets/classes';
import { SearchableGroupList } from '../../widgets/grouplist';
import type { IRegistryGroup } from '../api';
import { REGISTRY_TOOLBAR_CLASS } from './classes';

/** The properties of the group list. */
export interface IGroupListProps {
  groups: ReadonlyArray<IRegistryGroup>;
  /** Whether any group exists (to tell "none" from "none matching"). */
  total: number;
  filter: string;
  selected: string | null;
  /** Whether to show the "New group" button. */
  canCreate: boolean;
  onFilter: (filter: string) => void;
  onSelect: (name: string) => void;
  onNew: () => void;
}

/** The list of groups with its search box. */
export function GroupList(props: IGroupListProps): JSX.Element {
  return (
    <SearchableGroupList
      groups={props.groups}
      total={props.total}
      filter={props.filter}
      selected={props.selected}
      onFilter={props.onFilter}
      onSelect={props.onSelect}
      toolbarClass={REGISTRY_TOOLBAR_CLASS}
      toolbar={
        props.canCreate && (
          <button
            type="button"
            className={PRIMARY_BUTTON_CLASS}
            onClick={props.onNew}
          >
            New group
          </button>
        )
      }
      searchLabel="Search model groups"
      listLabel="Model groups"
      noneText="No model groups yet."
      meta={group =>
        group.latest_version === null
          ? 'no versions'
          : `latest v${group.latest_version}`
      }
      metaField="latest"
    />
  );
}
