// The one way the local stage and the tests set the variables the functions read: set each (undefined
// unsets it) and return how to put the previous values back. Import-free, so every test can use it.

export const applyEnvironment = (env: Record<string, string | undefined>): (() => void) => {
  const previous = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const set = (values: Record<string, string | undefined>): void => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  set(env);
  return () => set(previous);
};
