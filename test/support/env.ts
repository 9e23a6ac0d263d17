// The function's environment as a new container would see it: set (or, for `undefined`, remove) the
// variables, and forget the settings read so far.
import { resetSettingsCache } from '#shared/config/settings.ts';

export const setEnvironment = (values: Record<string, string | undefined>): void => {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetSettingsCache();
};
