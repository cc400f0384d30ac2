/**
 * The benchmarks' model: an OpenAI-compatible endpoint on 127.0.0.1 that answers every chat
 * completion at once (and lists the model, for start-up checks), so the figures are the bot's
 * own cost and never the model's.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const MODEL = 'OysterAI/Oyster_1_Qwen_14B';

export interface InstantModel {
  url: string;
  /** Requests answered so far, by path (`/v1/chat/completions`, `/v1/models`). */
  requests: Map<string, number>;
  close(): void;
}

export async function startInstantModel(content: string): Promise<InstantModel> {
  const requests = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/\?.*$/, '');
    requests.set(path, (requests.get(path) ?? 0) + 1);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/v1/models') {
        res.end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model' }] }));
        return;
      }
      res.end(JSON.stringify({
        id: 'bench', object: 'chat.completion', created: 0, model: MODEL,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests, close: () => server.close() };
}
