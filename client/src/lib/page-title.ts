export const SITE_NAME = 'Ticketing';

/**
 * A page's document title: the page's own title, then the site's name. The root layout's title
 * template applies it to the pages below it; a page of the root segment (the landing page and its
 * search results) is not below the layout's template, so it uses this directly.
 */
export function pageTitle(title: string): string {
  return `${title} · ${SITE_NAME}`;
}
