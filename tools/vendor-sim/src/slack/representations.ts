import type { Person } from '../directory/people.js';
import { seedSlackTeam } from '../seed/directory.js';
import { SLACK_BOT, type SlackMessage, type SlackView } from './workspace.js';

/** When the seeded members were last updated, in epoch seconds. */
const SEED_UPDATED = 1_767_603_600;

/** The time zone of a member who never set one: the workspace's. */
export const DEFAULT_TIME_ZONE = 'Europe/London';

/**
 * Slack's `tz`, `tz_label` and `tz_offset` (seconds east of UTC) of a zone at an instant: the label
 * and offset follow daylight saving time, as Slack's do.
 */
export function timeZoneJson(timeZone: string, at: Date): { tz: string; tz_label: string; tz_offset: number } {
  const part = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-US', { timeZone, ...options }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const offset = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?)?$/.exec(part({ timeZoneName: 'longOffset' }));
  const sign = offset?.[1] === '-' ? -1 : 1;
  const seconds = offset?.[2] ? sign * (Number(offset[2]) * 3600 + Number(offset[3] ?? 0) * 60) : 0;
  return { tz: timeZone, tz_label: part({ timeZoneName: 'long' }), tz_offset: seconds };
}

/** A member as `users.info` and `users.lookupByEmail` return it (Slack's `objs_user`). */
export function slackUserJson(person: Person): Record<string, unknown> {
  const realName = `${person.firstName} ${person.lastName}`;
  const avatar = (size: number) => `https://secure.gravatar.com/avatar/${person.slackId.toLowerCase()}.jpg?s=${size}`;
  return {
    id: person.slackId,
    team_id: seedSlackTeam.id,
    name: person.email.split('@')[0],
    deleted: false,
    color: '9f69e7',
    real_name: realName,
    ...timeZoneJson(person.timeZone ?? DEFAULT_TIME_ZONE, new Date()),
    profile: {
      title: person.title ?? '',
      phone: '',
      skype: '',
      real_name: realName,
      real_name_normalized: realName,
      display_name: person.firstName,
      display_name_normalized: person.firstName,
      status_text: '',
      status_emoji: '',
      status_expiration: 0,
      avatar_hash: `g${person.slackId.slice(1, 12).toLowerCase()}`,
      email: person.email,
      first_name: person.firstName,
      last_name: person.lastName,
      image_24: avatar(24),
      image_32: avatar(32),
      image_48: avatar(48),
      image_72: avatar(72),
      image_192: avatar(192),
      image_512: avatar(512),
      team: seedSlackTeam.id,
    },
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: false,
    is_app_user: false,
    updated: SEED_UPDATED,
    has_2fa: false,
  };
}

/** A message as the app sees it in `chat.postMessage`/`chat.update` responses (Slack's `objs_message`), with the metadata it was posted with. */
export function slackMessageJson(message: SlackMessage): Record<string, unknown> {
  return {
    type: 'message',
    user: SLACK_BOT.userId,
    bot_id: SLACK_BOT.botId,
    team: seedSlackTeam.id,
    text: message.text,
    ts: message.ts,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.metadata ? { metadata: message.metadata } : {}),
  };
}

/** An opened modal as `views.open` returns it (Slack's view object). */
export function slackViewJson({ id, view }: SlackView): Record<string, unknown> {
  return {
    id,
    team_id: seedSlackTeam.id,
    type: 'modal',
    title: view.title,
    ...(view.submit ? { submit: view.submit } : {}),
    ...(view.close ? { close: view.close } : {}),
    blocks: view.blocks,
    private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
    callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
    state: { values: {} },
    hash: `${Math.floor(Date.now() / 1000)}.${id.slice(1, 9)}`,
    clear_on_close: false,
    notify_on_close: false,
    root_view_id: id,
    app_id: 'A0JITAPP001',
    external_id: '',
    bot_id: SLACK_BOT.botId,
  };
}
