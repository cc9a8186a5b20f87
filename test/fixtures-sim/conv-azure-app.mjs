import { app } from '@azure/functions';
app.http('predict', {
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: async (request) => {
    const body = await request.json();
    return { jsonBody: { doubled: body.x * 2, registered: true } };
  },
});
