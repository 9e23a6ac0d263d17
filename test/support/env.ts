// The one way tests set a function's environment: as a new container would see it. Sets (or, for
// `undefined`, removes) the variables through the local stage's own helper, forgets the settings read so
// far, and returns how to put the previous values back (also forgetting the settings read meanwhile).
import { resetSettingsCache } from '#shared/config/settings.ts';
import { applyEnvironment } from '../../local/environment.ts';

export const setEnvironment = (values: Record<string, string | undefined>): (() => void) => {
  const restore = applyEnvironment(values);
  resetSettingsCache();
  return () => {
    restore();
    resetSettingsCache();
  };
};
