import express from 'express';

/** `/healthz` (the process runs) and `/readyz` (it accepts clients), on every listener. */
export function healthRouter(ready: () => boolean): express.Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const isReady = ready();
    res.status(isReady ? 200 : 503).json({ status: isReady ? 'ready' : 'not ready' });
  });
  return router;
}
