import { AsyncLocalStorage } from 'node:async_hooks';
import { type ClientRequest, Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * How far one HTTP request got before it failed, which decides whether a retry can duplicate:
 * - not `written`: the request never fully left this machine (refused, DNS, TLS, a reset while
 *   writing): the server cannot have acted on it;
 * - `written` but not `answered`: the server may have acted and the answer was lost;
 * - `answered`: the server said what happened.
 *
 * The SDK hides its requests, so the agents below note each request's progress in the async
 * context of the call that made it (`trackRequest`).
 */
export interface RequestProgress {
  written: boolean;
  answered: boolean;
}

const current = new AsyncLocalStorage<RequestProgress>();

/** Runs `call` and reports how far its HTTP request got, whether it succeeded or threw. */
export async function trackRequest<T>(
  call: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown; progress: RequestProgress }> {
  const progress: RequestProgress = { written: false, answered: false };
  try {
    return { ok: true, value: await current.run(progress, call) };
  } catch (error) {
    return { ok: false, error, progress };
  }
}

// `addRequest` is how Node's ClientRequest hands itself to its agent; proxy and tunnelling agents
// hook it the same way. It is called synchronously inside `http.request`, in the caller's context.
interface RequestHook {
  addRequest(request: ClientRequest, options: unknown): void;
}

function observe(request: ClientRequest): void {
  const progress = current.getStore();
  if (!progress) return;
  request.once('finish', () => {
    progress.written = true;
  });
  request.once('response', () => {
    progress.answered = true;
  });
}

/** Keep-alive agents that note each request's progress; pass them to the SDK's request handler. */
export function trackingAgents(maxSockets: number): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets });
  for (const agent of [httpAgent, httpsAgent] as unknown as RequestHook[]) {
    const addRequest = agent.addRequest.bind(agent);
    agent.addRequest = (request, options) => {
      observe(request);
      addRequest(request, options);
    };
  }
  return { httpAgent, httpsAgent };
}
