/** How the parser knows chat's own name (shared/chatops/mood.ts, BOT_NAMES). */
const BOT_NAME = 'smartcloudops';

/**
 * The text of a slash command as the user typed it. Slack sends it escaped (`&`, `<`, `>` as
 * entities) and with its own markup for mentions and links (`<@U024BE7LH|bob>`, `<#C1|ops>`,
 * `<!here>`, `<https://ci/1|build 1>`): read as is, a comment would keep "&amp;" and a
 * mention would become an alert name. The mention of the bot's own user (`botUserId`,
 * SMARTCLOUDOPS_SLACK_BOT_USER_ID) reads "@smartcloudops", which the parser knows as chat's name: a
 * line led by anyone else's mention is asked of them and not done. Entities are decoded last, so an escaped "<" typed by
 * the user is never read as markup.
 */
export function slackPlainText(text: string, botUserId?: string): string {
  return text
    .replace(/<([@#!])([^<>|]*)(?:\|([^<>]*))?>/g, (_whole, sigil: string, id: string, label: string | undefined) => {
      // The bot's own mention ("/ops @SmartCloudOps ack 12") is chat's own name; anyone else's is who a line is asked of.
      if (sigil === '@' && botUserId !== undefined && id === botUserId) return `@${BOT_NAME}`;
      if (label) return sigil === '!' ? label : `${sigil}${label.replace(/^[@#]/, '')}`;
      if (sigil === '!') return `@${id.replace(/\^.*$/, '')}`;
      return `${sigil}${id}`;
    })
    .replace(/<((?:https?|mailto|tel):[^<>|]*)(?:\|([^<>]*))?>/g, (_whole, url: string, label: string | undefined) => label ?? url.replace(/^mailto:/, ''))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
