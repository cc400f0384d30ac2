// The yardstick for `npm run bench:platform`: a bare @slack/bolt echo bot in HTTP mode,
// nothing else. It answers every direct message with "echo: <text>" through chat.postMessage.
import bolt from '@slack/bolt';

const app = new bolt.App({
  token: 'xoxb-bench-token',
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  botId: 'B0BOT', botUserId: 'U0BOT', tokenVerificationEnabled: false,
  logLevel: bolt.LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});
app.message(async ({ message, say }) => {
  if ('text' in message && typeof message.text === 'string') await say(`echo: ${message.text}`);
});
// Exits cleanly on SIGTERM so `--cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0));
const server = await app.start({ port: Number(process.env.SLACK_PORT ?? 0), host: '127.0.0.1' });
// The port it bound (SLACK_PORT=0 lets the system choose), as a log line the benchmark reads.
process.stdout.write(`${JSON.stringify({ msg: 'bare bolt listening', port: server.address().port })}\n`);
