export function describe(url) {
  const name = url.split("/").pop();
  return `Loaded as a module from ${name}, its imports resolved through the import map.`;
}
