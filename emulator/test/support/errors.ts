/**
 * One view of an error thrown by any of the three SDK families (kms-openapi.md §2.7):
 * npm 1.2.0 throws code `<Code>Error` with the status only in its message ("code: 409, …") and the body in `data`;
 * openapi-client throws `code` and `statusCode`; pop-core ignores the status, keeping it in `entry.response.statusCode`.
 */
export interface WireError {
  code: string;
  status: number;
  body: Record<string, unknown>;
}

export function wireError(err: unknown): WireError {
  const e = err as {
    code?: string;
    statusCode?: number;
    message?: string;
    data?: Record<string, unknown>;
    entry?: { response?: { statusCode?: number } };
  };
  const body = e.data ?? {};
  const code = typeof body.Code === 'string' ? body.Code : String(e.code ?? '');
  const status = e.statusCode ?? e.entry?.response?.statusCode ?? Number(/code: (\d{3}),/.exec(e.message ?? '')?.[1] ?? NaN);
  return { code, status, body };
}

/** Awaits `call`, which must fail with `code` and HTTP `status` and the full error envelope. */
export async function expectError(call: Promise<unknown>, code: string, status: number): Promise<WireError> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) throw new Error(`expected ${code} (${status}), but the call succeeded`);
  const got = wireError(caught);
  expect({ code: got.code, status: got.status }).toEqual({ code, status });
  expect(got.body).toMatchObject({ Code: code, Message: expect.any(String), RequestId: expect.any(String) });
  return got;
}
