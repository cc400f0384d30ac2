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
await app.start({ port: Number(process.env.SLACK_PORT), host: '127.0.0.1' });
process.stdout.write('READY\n');
