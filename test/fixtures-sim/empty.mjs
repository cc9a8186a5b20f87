// Does nothing: the harness overhead on a warm invocation.
export const handler = async () => ({ statusCode: 200, body: '{}' });
