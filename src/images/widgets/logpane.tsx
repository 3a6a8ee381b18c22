/**
 * A monospace log pane that follows the end of what it shows, unless the
 * user scrolled up to read.
 */
import * as React from 'react';

import { LOG_PANE_CLASS } from './classes';

/** The properties of a log pane. */
export interface ILogPaneProps {
  /** The accessible name of the pane (`role="log"`). */
  label: string;
  /** Whether more is coming. */
  busy: boolean;
  /** Changes whenever the content grows (e.g. the number of lines). */
  size: number;
  children?: React.ReactNode;
}

/** A scrolling pane of log output that follows its end. */
export function LogPane(props: ILogPaneProps): JSX.Element {
  const paneRef = React.useRef<HTMLDivElement>(null);
  const following = React.useRef(true);

  React.useLayoutEffect(() => {
    const pane = paneRef.current;
    if (pane && following.current) {
      pane.scrollTop = pane.scrollHeight;
    }
  }, [props.size, props.busy]);

  const onScroll = () => {
    const pane = paneRef.current;
    if (pane) {
      following.current =
        pane.scrollHeight - pane.scrollTop - pane.clientHeight < 24;
    }
  };

  return (
    <div
      ref={paneRef}
      className={LOG_PANE_CLASS}
      role="log"
      aria-label={props.label}
      aria-busy={props.busy}
      tabIndex={0}
      onScroll={onScroll}
    >
      {props.children}
    </div>
  );
}
