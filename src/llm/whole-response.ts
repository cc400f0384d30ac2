/**
 * The answer the lean fetch hands back when it has read a response whole: what the openai SDK
 * and Slack's WebClient read of a `Response` (status, ok, url, headers, text, json, bytes),
 * without the web stream a real `Response` wraps every body in. Building that stream and
 * reading it back through a reader cost more CPU than parsing the JSON on every model call and
 * every chat.postMessage. Streamed answers (server-sent events) still get a real `Response`.
 */
export class WholeResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  private used = false;

  constructor(
    private readonly data: Buffer | null,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status <= 299;
  }

  /** Read whole already: there is no stream to hand out, or to cancel. */
  get body(): null {
    return null;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  private take(): Buffer {
    // As with fetch, a body is read once.
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.data ?? Buffer.alloc(0);
  }

  async text(): Promise<string> {
    return this.take().toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.take().toString('utf8')) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }

  clone(): WholeResponse {
    if (this.used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new WholeResponse(this.data, this.status, this.statusText, this.headers, this.url);
  }
}
