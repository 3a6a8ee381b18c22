/**
 * The presence icon: two people side by side.
 */
import { LabIcon } from '@jupyterlab/ui-components';

const PRESENCE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <circle cx="8" cy="8" r="3.5"/>
    <circle cx="16.5" cy="9" r="3"/>
    <path d="M1.5 20c0-3.6 2.9-6.5 6.5-6.5s6.5 2.9 6.5 6.5v1h-13v-1z"/>
    <path d="M15.6 21v-1c0-1.9-.6-3.6-1.7-5 .8-.4 1.7-.6 2.6-.6 3 0 5.5 2.5 5.5 5.5V21h-6.4z"/>
  </g>
</svg>`;

/** The icon of the "Who's here" section. */
export const presenceIcon = new LabIcon({
  name: 'jupyter-mlops-studio:presence',
  svgstr: PRESENCE_SVG
});
