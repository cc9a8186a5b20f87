export default {
  async fetch(request, env, ctx) {
    const body = await request.json();
    ctx.waitUntil(Promise.resolve());
    return new Response(JSON.stringify({ doubled: body.x * 2 }), { headers: { 'content-type': 'application/json' } });
  },
};
