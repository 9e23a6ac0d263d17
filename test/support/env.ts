// The one way tests set a function's environment: as a new container would see it. Sets (or, for
// `undefined`, removes) the variables, forgets the settings read so far, and returns how to put the
// previous values back (also forgetting the settings read meanwhile).
import { resetSettingsCache } from '#shared/config/settings.ts';

export const setEnvironment = (values: Record<string, string | undefined>): (() => void) => {
  const previous = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const apply = (next: Record<string, string | undefined>): void => {
    for (const [key, value] of Object.entries(next)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetSettingsCache();
  };
  apply(values);
  return () => apply(previous);
};
