/**
 * The record lookup of the selected group: an id, the "Look up" button and
 * the latest record of that id (or "not found", or the server's error).
 */
import * as React from 'react';

import {
  EMPTY_CLASS,
  FIELD_CLASS,
  SUBHEADING_CLASS
} from '../../widgets/classes';
import { ErrorMessage, InlineForm, TextInput } from '../../widgets/form';
import type { IFeatureGroup } from '../api';
import type { IRecordLookup } from '../model';
import {
  FS_SECTION_CLASS,
  HINT_CLASS,
  LOOKUP_CLASS,
  TABLE_CLASS
} from './classes';
import { ValueText } from './values';

/** The features of a found record in the group's order, then any others. */
function orderedEntries(
  group: IFeatureGroup,
  record: Record<string, unknown>
): [string, unknown][] {
  const known = group.features.map(f => f.name).filter(name => name in record);
  const others = Object.keys(record).filter(name => !known.includes(name));
  return [...known, ...others].map(name => [name, record[name]]);
}

/** An event time in Unix seconds as an ISO 8601 date, `''` when out of range. */
export function eventDate(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** The outcome of a lookup. */
function LookupOutcome(props: {
  group: IFeatureGroup;
  lookup: IRecordLookup;
}): JSX.Element {
  const { group, lookup } = props;
  switch (lookup.status) {
    case 'loading':
      return <p aria-busy="true">Looking up {lookup.recordId}…</p>;
    case 'error':
      return <ErrorMessage error={lookup.error} />;
    case 'not-found':
      return (
        <p className={EMPTY_CLASS} role="status">
          {`Record ${lookup.recordId} not found in ${lookup.group} (never written, deleted or past its TTL).`}
        </p>
      );
    case 'found':
      return (
        <table className={TABLE_CLASS} aria-label={`Record ${lookup.recordId}`}>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {orderedEntries(group, lookup.record ?? {}).map(([name, value]) => (
              <tr key={name} aria-label={name}>
                <td>
                  <code>{name}</code>
                </td>
                <td>
                  <ValueText value={value} />
                  {name === group.event_time && typeof value === 'number' && (
                    <span className={HINT_CLASS}>
                      {` (${eventDate(value)})`}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      );
  }
}

/** The properties of the record lookup. */
export interface IRecordLookupProps {
  group: IFeatureGroup;
  lookup: IRecordLookup | null;
  onLookup: (recordId: string) => void;
}

/** Look a record up by id in the online store of a group. */
export function RecordLookup(props: IRecordLookupProps): JSX.Element {
  const { group, lookup, onLookup } = props;
  const [recordId, setRecordId] = React.useState('');
  const busy = lookup?.status === 'loading';
  return (
    <section className={FS_SECTION_CLASS} aria-label="Record lookup">
      <h3 className={SUBHEADING_CLASS}>Record lookup</h3>
      {!group.online ? (
        <p className={EMPTY_CLASS}>
          This group has no online store: query its records with SQL below.
        </p>
      ) : (
        <>
          <InlineForm
            className={LOOKUP_CLASS}
            submitLabel="Look up"
            primary
            disabled={busy || !recordId.trim()}
            onSubmit={() => onLookup(recordId)}
          >
            <label className={FIELD_CLASS}>
              <span>{group.record_identifier}</span>
              <TextInput
                label="Record id"
                placeholder={`A ${group.record_identifier} value`}
                value={recordId}
                onChange={setRecordId}
              />
            </label>
          </InlineForm>
          {lookup && lookup.group === group.name && (
            <LookupOutcome group={group} lookup={lookup} />
          )}
        </>
      )}
    </section>
  );
}
