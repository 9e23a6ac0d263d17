/** `base` + `/path`, whatever the trailing slash of the configured base URL. */
export const endpoint = (base: string, path: string): URL => new URL(path, base.endsWith('/') ? base : `${base}/`);
