/**
 * The selected feature group: its record counts and its schema (features
 * with their types and roles, stores, TTL, view, tags).
 */
import * as React from 'react';

import { DateText } from '../../registry/widgets/versions';
import { EMPTY_CLASS, SUBHEADING_CLASS } from '../../widgets/classes';
import type { IFeatureGroupDetails, IGroupStats } from '../api';
import {
  DETAILS_GRID_CLASS,
  FS_SECTION_CLASS,
  ROLE_CLASS,
  STAT_CLASS,
  STATS_CLASS,
  TABLE_CLASS,
  TAG_CLASS,
  TYPE_CLASS
} from './classes';
import { storesOf } from './groups';
import { formatCount, formatDuration } from './values';

/** One figure of the stats row. */
function Stat(props: {
  label: string;
  field: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <div className={STAT_CLASS} data-field={props.field}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

/** The record counts and last write time of a group. */
export function GroupStats(props: { stats: IGroupStats }): JSX.Element {
  const { stats } = props;
  return (
    <dl className={STATS_CLASS} aria-label="Statistics">
      <Stat label="Online records" field="online_records">
        {stats.online_records === null
          ? 'no online store'
          : formatCount(stats.online_records)}
      </Stat>
      <Stat label="Offline rows" field="offline_rows">
        {formatCount(stats.offline_rows)}
      </Stat>
      <Stat label="Offline files" field="offline_files">
        {formatCount(stats.offline_files)}
      </Stat>
      <Stat label="Last write" field="last_write_time">
        {stats.last_write_time === null ? (
          'never'
        ) : (
          <DateText value={stats.last_write_time} />
        )}
      </Stat>
    </dl>
  );
}

/** The role of a feature in its group, `''` for a plain feature. */
function roleOf(group: IFeatureGroupDetails, feature: string): string {
  if (feature === group.record_identifier) {
    return 'record identifier';
  }
  return feature === group.event_time ? 'event time' : '';
}

/** The schema of a group: its features, stores, TTL, view and tags. */
export function GroupSchema(props: {
  group: IFeatureGroupDetails;
}): JSX.Element {
  const { group } = props;
  const tags = Object.entries(group.tags);
  return (
    <section className={FS_SECTION_CLASS} aria-label="Schema">
      <h3 className={SUBHEADING_CLASS}>Schema</h3>
      <dl className={DETAILS_GRID_CLASS} aria-label="Group settings">
        <dt>Record identifier</dt>
        <dd>
          <code>{group.record_identifier}</code>
        </dd>
        <dt>Event time</dt>
        <dd>
          <code>{group.event_time}</code>
        </dd>
        <dt>Stores</dt>
        <dd>{storesOf(group)}</dd>
        <dt>TTL</dt>
        <dd
          title={
            group.ttl_seconds === null ? undefined : `${group.ttl_seconds} s`
          }
        >
          {group.ttl_seconds === null
            ? 'none'
            : formatDuration(group.ttl_seconds)}
        </dd>
        <dt>SQL view</dt>
        <dd>
          <code>{group.offline ? group.view : 'none (no offline store)'}</code>
        </dd>
        <dt>Created</dt>
        <dd>
          {group.created_by ? `${group.created_by}, ` : ''}
          <DateText value={group.created_at} />
        </dd>
        <dt>Tags</dt>
        <dd>
          {tags.length === 0 ? (
            <span className={EMPTY_CLASS}>none</span>
          ) : (
            tags.map(([key, value]) => (
              <span key={key} className={TAG_CLASS}>
                {`${key}=${value}`}
              </span>
            ))
          )}
        </dd>
      </dl>
      <table className={TABLE_CLASS} aria-label="Features">
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">Type</th>
            <th scope="col">Role</th>
          </tr>
        </thead>
        <tbody>
          {group.features.map(feature => (
            <tr key={feature.name} aria-label={feature.name}>
              <td>
                <code>{feature.name}</code>
              </td>
              <td className={TYPE_CLASS} data-type={feature.type}>
                {feature.type}
              </td>
              <td className={ROLE_CLASS}>{roleOf(group, feature.name)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
