/**
 * The left column of the registry: the model package groups, a search box
 * and the "New group" button.
 */
import * as React from 'react';

import { PRIMARY_BUTTON_CLASS } from '../../widgets/classes';
import {
  type IGroupListState,
  SearchableGroupList
} from '../../widgets/grouplist';
import type { IRegistryGroup } from '../api';
import { REGISTRY_TOOLBAR_CLASS } from './classes';

/** The properties of the group list. */
export interface IGroupListProps extends IGroupListState<IRegistryGroup> {
  /** Whether to show the "New group" button. */
  canCreate: boolean;
  onNew: () => void;
}

/** The list of groups with its search box. */
export function GroupList(props: IGroupListProps): JSX.Element {
  const { canCreate, onNew, ...list } = props;
  return (
    <SearchableGroupList
      {...list}
      toolbarClass={REGISTRY_TOOLBAR_CLASS}
      toolbar={
        canCreate && (
          <button
            type="button"
            className={PRIMARY_BUTTON_CLASS}
            onClick={onNew}
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
