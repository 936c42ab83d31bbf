import { describe, expect, it } from 'vitest';
import { slackPlainText } from './text.ts';
import { chatopsSettingsFromEnv } from '../settings.ts';

describe('slackPlainText', () => {
  it('decodes the entities Slack escapes, "&amp;" last so an escaped "<" is never markup', () => {
    expect(slackPlainText('ack 12 because a &amp; b &lt;fixed&gt;')).toBe('ack 12 because a & b <fixed>');
    expect(slackPlainText('note on 7: &amp;lt; is literal')).toBe('note on 7: &lt; is literal');
  });

  it('turns mentions, channels, broadcasts and links into the words they show', () => {
    expect(slackPlainText('<@U024BE7LH|bob> ack 12')).toBe('@bob ack 12');
    expect(slackPlainText('<@U024BE7LH> cpu on web-1')).toBe('@U024BE7LH cpu on web-1');
    expect(slackPlainText('silence db-1 for 1h - see <#C123|ops-db>')).toBe('silence db-1 for 1h - see #ops-db');
    expect(slackPlainText('<!here> ack 12')).toBe('@here ack 12');
    expect(slackPlainText('<!subteam^S123|@dba> note on 7: paged')).toBe('@dba note on 7: paged');
    expect(slackPlainText('note on 7: rollback <https://ci.example/1|build 1> and <https://ci.example/2>')).toBe('note on 7: rollback build 1 and https://ci.example/2');
    expect(slackPlainText('note on 7: mail <mailto:oncall@example.com|oncall@example.com>')).toBe('note on 7: mail oncall@example.com');
  });

  it("reads the bot's own mention as chat's name, so a line led by anyone else's is not taken as asked of chat", () => {
    expect(slackPlainText('<@U0BOT123> ack 12', 'U0BOT123')).toBe('@smartcloudops ack 12');
    expect(slackPlainText('<@U0BOT123|sco> ack 12', 'U0BOT123')).toBe('@smartcloudops ack 12');
    expect(slackPlainText('<@U024BE7LH|bob> ack 12', 'U0BOT123')).toBe('@bob ack 12');
    expect(slackPlainText('<@U024BE7LH> ack 12', 'U0BOT123')).toBe('@U024BE7LH ack 12');
    // The bot user's id comes from SMARTCLOUDOPS_SLACK_BOT_USER_ID, a Slack user id or nothing.
    expect(chatopsSettingsFromEnv({ SMARTCLOUDOPS_SLACK_BOT_USER_ID: 'U0BOT123' })).toEqual({ slackBotUserId: 'U0BOT123' });
    expect(() => chatopsSettingsFromEnv({ SMARTCLOUDOPS_SLACK_BOT_USER_ID: '@smartcloudops' })).toThrow(/SMARTCLOUDOPS_SLACK_BOT_USER_ID/);
  });

  it('leaves text without markup as it is', () => {
    expect(slackPlainText('silence host=~"db-.*" for 1h')).toBe('silence host=~"db-.*" for 1h');
  });
});
