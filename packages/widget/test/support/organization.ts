import type { WidgetSettings } from '@parley/protocol';
import type { Api } from '../../../server/test/support/server.js';
import { createUserWithToken } from '../../../server/test/support/server.js';

let counter = 0;

/** A live-chat organization made through the admin REST API, with one agent (Alice). */
export interface TestOrganization {
  id: string;
  widgetKey: string;
  agent: { id: string; displayName: string };
  /** Replaces some widget settings (the rest stay as they were). */
  configure(changes: Partial<WidgetSettings>): Promise<void>;
  setAgentStatus(status: 'online' | 'away' | 'offline'): Promise<void>;
  /** An operator token for the agent (seed 002), for the SDK in Node. */
  operatorToken(): Promise<string>;
}

export async function createOrganization(
  api: Api,
  settings: Partial<WidgetSettings>,
): Promise<TestOrganization> {
  const suffix = `${process.pid}_${++counter}`;
  const org = await api<{ id: string }>('POST', '/v1/organizations', { body: { name: `Shop ${suffix}` } });
  if (org.status !== 201) throw new Error(`organization: ${org.status} ${JSON.stringify(org.body)}`);
  const id = org.body.id;
  const agent = await createUserWithToken(api, `alice_${suffix}`, { displayName: 'Alice' });
  const added = await api('POST', `/v1/organizations/${id}/agents`, {
    body: { userId: agent.id, status: 'online' },
  });
  if (added.status !== 201) throw new Error(`agent: ${added.status} ${JSON.stringify(added.body)}`);
  let current = (
    await api<{ widgetKey: string; settings: WidgetSettings }>(
      'GET',
      `/v1/organizations/${id}/widget-settings`,
    )
  ).body;
  const configure = async (changes: Partial<WidgetSettings>) => {
    const saved = await api<{ widgetKey: string; settings: WidgetSettings }>(
      'PUT',
      `/v1/organizations/${id}/widget-settings`,
      { body: { ...current.settings, ...changes } },
    );
    if (saved.status !== 200) throw new Error(`settings: ${saved.status} ${JSON.stringify(saved.body)}`);
    current = saved.body;
  };
  await configure(settings);
  return {
    id,
    widgetKey: current.widgetKey,
    agent: { id: agent.id, displayName: 'Alice' },
    configure,
    async setAgentStatus(status) {
      const changed = await api('PATCH', `/v1/organizations/${id}/agents/${agent.id}`, { body: { status } });
      if (changed.status !== 200) throw new Error(`agent status: ${changed.status}`);
    },
    async operatorToken() {
      const issued = await api<{ token: string }>(
        'POST',
        `/v1/organizations/${id}/operators/${agent.id}/tokens`,
        {
          body: {},
        },
      );
      if (issued.status !== 201)
        throw new Error(`operator token: ${issued.status} ${JSON.stringify(issued.body)}`);
      return issued.body.token;
    },
  };
}
