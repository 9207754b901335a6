/** `nginx` -> `nginx:latest`; names with a tag or digest stay (how ImageLocality compares image names). */
export function normalizedImageName(name: string): string {
  if (name.lastIndexOf(':') <= name.lastIndexOf('/')) return `${name}:latest`;
  return name;
}
