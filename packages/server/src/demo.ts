import type { Actor, Core } from './core/index.js';
import { AppError } from './core/index.js';
import { PLATFORM_TENANT_ID } from './core/tenants.js';
import { defaultWidgetSettings } from './core/livechat/widget-settings.js';

const DEMO_ORGANIZATION = 'Demo shop';
const DEMO_AGENT = 'demo-agent';
/** The demo acts as a service of the default tenant. */
const actor: Actor = { kind: 'service', tenantId: PLATFORM_TENANT_ID, apiKeyId: 'demo' };

export interface Demo {
  organizationId: string;
  widgetKey: string;
  /** An operator token for the demo agent (24 h), to answer from the CLI or the SDK. */
  agentToken: string;
  agentId: string;
}

/**
 * The `/demo` shop's live chat, so a new user sees the widget work within a
 * minute of `npm start`: an organization "Demo shop" in the default tenant
 * whose widget allows this server's own origins, and an online demo agent who
 * receives the conversations. Made on first start, brought up to date (the
 * port may change) on every start; `PARLEY_DEMO=false` turns it off.
 */
export async function ensureDemo(core: Core, origins: string[]): Promise<Demo> {
  const organizationId = await demoOrganization(core, actor);
  const current = await core.widgets.get(actor, organizationId);
  const saved = await core.widgets.save(actor, organizationId, {
    ...(current.updatedAt === null ? demoSettings() : current.settings),
    allowedOrigins: [...new Set([...current.settings.allowedOrigins, ...origins])].slice(-20),
  });
  await demoAgent(core, actor, organizationId);
  const token = await core.operatorTokens.issue(actor, organizationId, DEMO_AGENT, {});
  return { organizationId, widgetKey: saved.widgetKey, agentToken: token.token, agentId: DEMO_AGENT };
}

/**
 * When the first admin takes the demo shop over at setup, its chats go to
 * them: the demo agent goes offline, and stays so (later starts only add the
 * demo agent when missing, they never set it online again).
 */
export async function handOverDemo(core: Core, demo: Demo, organizationId: string): Promise<void> {
  if (organizationId !== demo.organizationId) return;
  await core.organizations.updateAgent(actor, organizationId, demo.agentId, { status: 'offline' });
}

async function demoOrganization(core: Core, actor: Actor): Promise<string> {
  let cursor: string | undefined;
  do {
    const page = await core.organizations.list(actor, {
      limit: 200,
      ...(cursor !== undefined && { cursor }),
    });
    const found = page.items.find((o) => o.name === DEMO_ORGANIZATION);
    if (found) return found.id;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return (await core.organizations.create(actor, { name: DEMO_ORGANIZATION })).id;
}

async function demoAgent(core: Core, actor: Actor, organizationId: string): Promise<void> {
  try {
    await core.users.create(actor, { id: DEMO_AGENT, displayName: 'Camille (demo agent)' });
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'user_exists')) throw err;
  }
  try {
    await core.organizations.addAgent(actor, organizationId, {
      userId: DEMO_AGENT,
      status: 'online',
      maxChats: 20,
    });
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'already_an_agent')) throw err;
  }
}

function demoSettings() {
  return {
    ...defaultWidgetSettings(),
    title: 'Demo shop',
    subtitle: 'We usually answer within a minute',
    welcomeMessages: ['Hello! 👋 Ask us anything about your order.'],
    preChatForm: [
      { key: 'name', label: 'Your name', type: 'name' as const, required: true },
      { key: 'email', label: 'Email', type: 'email' as const, required: false },
    ],
    fallbackContact: 'Write to help@demo-shop.example',
  };
}
