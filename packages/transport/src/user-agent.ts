/**
 * A `user-agent` value: `<product>/<version> (Node.js <version>; <platform>-<arch>)`.
 * @param product - the product name, such as `stretch`.
 * @param version - the product's version.
 * @public
 */
export function buildUserAgent(product: string, version: string): string {
  return `${product}/${version} (Node.js ${process.version}; ${process.platform}-${process.arch})`
}
