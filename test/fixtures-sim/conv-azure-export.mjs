export async function handler(request, context) {
  const body = await request.json();
  return { status: 200, jsonBody: { doubled: body.x * 2, invocationId: typeof context.invocationId } };
}
