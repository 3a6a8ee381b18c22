/**
 * The share token in the lab URL: the share page sends a recipient to
 * `<base>/lab?mlops-share=<token>`.
 */

/** The query parameter the share page adds to the lab URL. */
export const SHARE_PARAM = 'mlops-share';

/** The share token of a URL, if it carries one. */
export function shareTokenOf(href: string): string | null {
  return new URL(href).searchParams.get(SHARE_PARAM) || null;
}

/** A URL without its share token (so that a reload does not reopen it). */
export function withoutShareToken(href: string): string {
  const url = new URL(href);
  url.searchParams.delete(SHARE_PARAM);
  return url.toString();
}
