/**
 * The text of a slash command as the user typed it. Slack sends it escaped (`&`, `<`, `>` as
 * entities) and with its own markup for mentions and links (`<@U024BE7LH|bob>`, `<#C1|ops>`,
 * `<!here>`, `<https://ci/1|build 1>`): read as is, a comment would keep "&amp;" and a
 * mention would become an alert name. Entities are decoded last, so an escaped "<" typed by
 * the user is never read as markup.
 */
export function slackPlainText(text: string): string {
  return text
    .replace(/<([@#!])([^<>|]*)(?:\|([^<>]*))?>/g, (_whole, sigil: string, id: string, label: string | undefined) => {
      if (label) return sigil === '!' ? label : `${sigil}${label.replace(/^[@#]/, '')}`;
      if (sigil === '!') return `@${id.replace(/\^.*$/, '')}`;
      return `${sigil}${id}`;
    })
    .replace(/<((?:https?|mailto|tel):[^<>|]*)(?:\|([^<>]*))?>/g, (_whole, url: string, label: string | undefined) => label ?? url.replace(/^mailto:/, ''))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
