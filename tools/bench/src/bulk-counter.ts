const kPrefix = 24
const kAction = /^\s*\{\s*"(index|create|update|delete)"/

/**
 * Counts the actions of a bulk body without parsing its JSON: only the first bytes of each line are looked at.
 * An `index`, `create` or `update` line is followed by a document line; a `delete` line is not.
 */
export class BulkCounter {
  #items = 0
  #expectDocument = false
  #prefix = ''
  #collecting = true
  #lineHasBytes = false

  /** Feeds the next chunk of the (decompressed) body. */
  push(chunk: Buffer): void {
    let i = 0
    const length = chunk.length
    while (i < length) {
      const nl = chunk.indexOf(10, i)
      const end = nl === -1 ? length : nl
      if (end > i) this.#lineHasBytes = true
      if (this.#collecting && end > i) {
        this.#prefix += chunk.toString('latin1', i, Math.min(end, i + kPrefix - this.#prefix.length))
        if (this.#prefix.length >= kPrefix) this.#collecting = false
      }
      if (nl === -1) return
      this.#endLine()
      i = nl + 1
    }
  }

  /** Ends the body; returns the number of actions. */
  end(): number {
    if (this.#lineHasBytes) this.#endLine()
    return this.#items
  }

  #endLine(): void {
    if (this.#prefix.trim() !== '') {
      if (this.#expectDocument) {
        this.#expectDocument = false
      } else {
        const match = kAction.exec(this.#prefix)
        if (match !== null) {
          this.#items++
          this.#expectDocument = match[1] !== 'delete'
        }
      }
    }
    this.#prefix = ''
    this.#collecting = true
    this.#lineHasBytes = false
  }
}
