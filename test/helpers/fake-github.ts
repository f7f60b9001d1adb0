/**
 * A local HTTP server standing in for the GitHub REST API (the routes the action uses), recording every
 * request; Octokit talks to it through its baseUrl, as it would to api.github.com.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string } | null;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  comments: Comment[] = [];
  checkRuns = new Map<number, Record<string, unknown> & { annotations: unknown[] }>();
  /** The pull request's commits, oldest first (GET …/pulls/N/commits). */
  prCommits: string[] = [];
  /** Workflow runs the Actions API knows (GET …/actions/runs/ID); others are 404. */
  workflowRuns = new Map<number, { workflow_id: number; head_sha: string }>();
  /** Files of the pull request (GET …/pulls/N/files) and the reviews posted on it. */
  pullFiles: { filename: string; patch?: string }[] = [];
  reviews: { id: number; body: string; comments: unknown[] }[] = [];
  /** Files at commits (GET …/contents/PATH?ref=SHA), keyed `SHA:PATH`. */
  files = new Map<string, string>();
  /** Pull requests (GET …/pulls/N, GET …/commits/SHA/pulls). */
  pulls: { number: number; state: string; head: { sha: string }; base: { sha: string } }[] = [];
  /** Node ids of comments minimised through GraphQL (POST /graphql, minimizeComment). */
  minimized: { id: string; classifier: string }[] = [];
  /** The token's user (GET /user); null answers 403 as GitHub does for the Actions token. */
  authenticatedUser: string | null = null;
  /** `METHOD path-prefix` → status to answer with instead. */
  readonly failures = new Map<string, { status: number; message: string }>();
  private server: Server | undefined;
  private nextId = 1000;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  addComments(count: number, login: string, body: (i: number) => string): void {
    for (let i = 0; i < count; i++)
      this.comments.push({ id: this.nextId++, body: body(i), user: { login, type: 'User' } });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query: url.searchParams, body });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    for (const [key, failure] of this.failures) {
      const [m, prefix] = key.split(' ');
      if (m === method && url.pathname.startsWith(prefix!)) {
        return send(failure.status, {
          message: failure.message,
          documentation_url: 'https://docs.github.com/rest',
        });
      }
    }
    const commentsPath = /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(url.pathname);
    const commentId = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname)?.[1];
    const checkRunId = /^\/repos\/[^/]+\/[^/]+\/check-runs\/(\d+)$/.exec(url.pathname)?.[1];
    if (method === 'GET' && commentsPath) {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = this.comments
        .slice((page - 1) * perPage, page * perPage)
        .map((c) => ({ ...c, node_id: `IC_${c.id}` }));
      const last = Math.max(1, Math.ceil(this.comments.length / perPage));
      const headers: Record<string, string> = {};
      if (page < last) {
        const next = new URL(url.toString());
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      return send(200, slice, headers);
    }
    if (method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(url.pathname)) {
      const comment = {
        id: this.nextId++,
        body: (body as { body: string }).body,
        user: { login: 'github-actions[bot]', type: 'Bot' },
      };
      this.comments.push(comment);
      return send(201, { ...comment, node_id: `IC_${comment.id}` });
    }
    if (method === 'POST' && url.pathname === '/graphql') {
      const { query, variables } = body as { query: string; variables: { id: string } };
      const classifier = /classifier: (\w+)/.exec(query)?.[1] ?? '';
      if (!/minimizeComment/.test(query)) return send(200, { errors: [{ message: 'unsupported query' }] });
      this.minimized.push({ id: variables.id, classifier });
      return send(200, { data: { minimizeComment: { minimizedComment: { isMinimized: true } } } });
    }
    if (method === 'PATCH' && commentId) {
      const comment = this.comments.find((c) => c.id === Number(commentId));
      if (!comment) return send(404, { message: 'Not Found' });
      comment.body = (body as { body: string }).body;
      return send(200, comment);
    }
    if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/commits$/.test(url.pathname)) {
      return send(
        200,
        this.prCommits.map((sha) => ({ sha })),
      );
    }
    const contents = /^\/repos\/[^/]+\/[^/]+\/contents\/(.+)$/.exec(url.pathname)?.[1];
    if (method === 'GET' && contents) {
      const text = this.files.get(`${url.searchParams.get('ref')}:${decodeURIComponent(contents)}`);
      return text === undefined
        ? send(404, { message: 'Not Found' })
        : send(200, { type: 'file', encoding: 'base64', content: Buffer.from(text).toString('base64') });
    }
    const commitPulls = /^\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]+)\/pulls$/.exec(url.pathname)?.[1];
    if (method === 'GET' && commitPulls) {
      return send(
        200,
        this.pulls.filter((p) => p.head.sha === commitPulls),
      );
    }
    const pullNumber = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/.exec(url.pathname)?.[1];
    if (method === 'GET' && pullNumber) {
      const pull = this.pulls.find((p) => p.number === Number(pullNumber));
      return pull ? send(200, pull) : send(404, { message: 'Not Found' });
    }
    const runId = /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)$/.exec(url.pathname)?.[1];
    if (method === 'GET' && runId) {
      const found = this.workflowRuns.get(Number(runId));
      return found ? send(200, { id: Number(runId), ...found }) : send(404, { message: 'Not Found' });
    }
    if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/files$/.test(url.pathname)) {
      return send(200, this.pullFiles);
    }
    if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/reviews$/.test(url.pathname)) {
      return send(
        200,
        this.reviews.map((r) => ({ id: r.id, body: r.body, user: { login: 'github-actions[bot]' } })),
      );
    }
    if (method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/reviews$/.test(url.pathname)) {
      const review = { id: this.nextId++, ...(body as { body: string; comments: unknown[] }) };
      this.reviews.push(review);
      return send(200, review);
    }
    if (method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/check-runs$/.test(url.pathname)) {
      const id = this.nextId++;
      this.checkRuns.set(id, { ...(body as object), id, annotations: [] });
      return send(201, { id, ...(body as object) });
    }
    if (method === 'PATCH' && checkRunId) {
      const run = this.checkRuns.get(Number(checkRunId));
      if (!run) return send(404, { message: 'Not Found' });
      const update = body as { output?: { annotations?: unknown[] } } & Record<string, unknown>;
      run.annotations.push(...(update.output?.annotations ?? []));
      Object.assign(run, { ...update, annotations: run.annotations });
      return send(200, run);
    }
    if (method === 'GET' && url.pathname === '/user') {
      return this.authenticatedUser === null
        ? send(403, { message: 'Resource not accessible by integration' })
        : send(200, { login: this.authenticatedUser, type: 'User' });
    }
    return send(404, { message: `no route for ${method} ${url.pathname}` });
  }
}
